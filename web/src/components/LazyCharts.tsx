import { lazy, Suspense, type ComponentProps } from 'react';
import type { Bars as BarsType, TimeChart as TimeChartType } from './Charts';

// The charting library loads the first time a chart is shown.
const LazyTime = lazy(() => import('./Charts').then((module) => ({ default: module.TimeChart })));
const LazyBars = lazy(() => import('./Charts').then((module) => ({ default: module.Bars })));

export function TimeChart(props: ComponentProps<typeof TimeChartType>) {
  return (
    <Suspense fallback={<p className="muted">Loading chart…</p>}>
      <LazyTime {...props} />
    </Suspense>
  );
}

export function Bars(props: ComponentProps<typeof BarsType>) {
  return (
    <Suspense fallback={<p className="muted">Loading chart…</p>}>
      <LazyBars {...props} />
    </Suspense>
  );
}
