import { useEffect, useRef, useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../lib/api';
import { throughput, type CounterSample } from '../lib/rates';
import { ErrorNote } from '../components/ErrorNote';
import { TimeChart } from '../components/LazyCharts';
import { ColumnHeads, EmptyState } from '../components/bits';
import { Tile } from './ModelDetail';

const RANGES = [
  { label: '5 minutes', ms: 5 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '24 hours', ms: 24 * 60 * 60_000 },
];
const POLL_MS = 2000;

export default function Dashboard() {
  const [range, setRange] = useState(RANGES[0].ms);
  const models = useQuery({ queryKey: ['models', 'dashboard'], queryFn: () => unwrap(api.GET('/api/v1/internal/models', { params: { query: { limit: 500 } } })), refetchInterval: POLL_MS });
  const system = useQuery({ queryKey: ['system-metrics'], queryFn: () => unwrap(api.GET('/api/v1/internal/system/metrics')), refetchInterval: POLL_MS });
  const deployed = (models.data?.items ?? []).filter((model) => model.status === 'deployed');
  const stats = useQueries({
    queries: deployed.map((model) => ({
      queryKey: ['model-stats', model.id],
      queryFn: () => unwrap(api.GET('/api/v1/internal/models/{id}/stats', { params: { path: { id: model.id } } })),
      refetchInterval: POLL_MS,
    })),
  });

  // Counters are cumulative: rates come from the difference between successive polls.
  const samples = useRef<CounterSample[]>([]);
  const [series, setSeries] = useState<Array<Record<string, number>>>([]);
  const totals = stats.reduce((sum, query) => ({ total: sum.total + (query.data?.requests.total ?? 0), errors: sum.errors + (query.data?.requests.errors ?? 0) }), { total: 0, errors: 0 });
  const updatedAt = Math.max(0, ...stats.map((query) => query.dataUpdatedAt));
  useEffect(() => {
    if (!updatedAt) return;
    samples.current = [...samples.current.slice(-1000), { t: updatedAt, total: totals.total, errors: totals.errors }];
    const rate = throughput(samples.current);
    if (rate) setSeries((rows) => [...rows.slice(-1000), { t: updatedAt, rps: rate.requestsPerSecond, errorRate: rate.errorRate * 100 }]);
  }, [updatedAt, totals.total, totals.errors]);

  const latest = series[series.length - 1];
  const since = Date.now() - range;
  const systemRows = (system.data?.items ?? [])
    .filter((sample) => new Date(sample.timestamp).getTime() >= since)
    .map((sample) => ({
      t: new Date(sample.timestamp).getTime(),
      cpu: sample.cpuPercent,
      memory: (sample.memoryUsedBytes / sample.memoryTotalBytes) * 100,
      ...(sample.gpu?.[0] ? { gpu: sample.gpu[0].utilizationPercent } : {}),
    }));
  const hasGpu = systemRows.some((row) => 'gpu' in row);
  const busiest = deployed
    .map((model, index) => ({ model, stats: stats[index]?.data }))
    .sort((a, b) => (b.stats?.requests.total ?? 0) - (a.stats?.requests.total ?? 0))
    .slice(0, 10);
  const worst = (key: 'p50' | 'p95' | 'p99') => Math.max(0, ...stats.map((query) => query.data?.latencyMs.total[key] ?? 0));

  return (
    <section>
      <div className="page-head">
        <h1>Dashboard</h1>
        <div className="field inline">
          <label htmlFor="range">Time range</label>
          <select id="range" value={range} onChange={(event) => setRange(Number(event.target.value))}>
            {RANGES.map((option) => (
              <option key={option.ms} value={option.ms}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNote error={models.error ?? system.error} />
      <div className="tiles">
        <Tile label="Requests per second" value={latest ? latest.rps.toFixed(2) : '—'} />
        <Tile label="Error rate" value={latest ? `${latest.errorRate.toFixed(1)}%` : '—'} />
        <Tile label="Latency p50 / p95 / p99 (slowest model)" value={`${worst('p50').toFixed(1)} / ${worst('p95').toFixed(1)} / ${worst('p99').toFixed(1)} ms`} />
        <Tile label="Models deployed" value={models.data ? `${deployed.length} of ${models.data.total}` : '—'} />
      </div>
      <div className="chart-grid">
        <TimeChart title="Throughput (requests per second)" data={series.filter((row) => row.t >= since)} series={[{ key: 'rps', label: 'requests/s', color: '#2e5aac' }]} />
        <TimeChart title="Error rate (%)" data={series.filter((row) => row.t >= since)} unit="%" series={[{ key: 'errorRate', label: 'errors', color: '#b42318' }]} />
        <TimeChart
          title={hasGpu ? 'CPU, memory and GPU (%)' : 'CPU and memory (%)'}
          data={systemRows}
          unit="%"
          series={[{ key: 'cpu', label: 'CPU', color: '#2e5aac' }, { key: 'memory', label: 'memory', color: '#027a48' }, ...(hasGpu ? [{ key: 'gpu', label: 'GPU', color: '#b54708' }] : [])]}
        />
      </div>
      <h2>Busiest models</h2>
      {deployed.length === 0 ? (
        <EmptyState title="No model is deployed">
          <p>
            Deploy a model from the <Link to="/models">Models</Link> page to see its traffic here.
          </p>
        </EmptyState>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Busiest models</caption>
          <ColumnHeads names={['Model', 'Requests', 'Errors', 'p50', 'p95', 'p99', 'Queue depth']} />
          <tbody>
            {busiest.map(({ model, stats: s }) => (
              <tr key={model.id}>
                <td>
                  <Link to={`/models/${model.id}/statistics`}>{model.name}</Link>
                </td>
                <td>{s?.requests.total ?? '—'}</td>
                <td>{s?.requests.errors ?? '—'}</td>
                <td>{s ? `${s.latencyMs.total.p50.toFixed(1)} ms` : '—'}</td>
                <td>{s ? `${s.latencyMs.total.p95.toFixed(1)} ms` : '—'}</td>
                <td>{s ? `${s.latencyMs.total.p99.toFixed(1)} ms` : '—'}</td>
                <td>{s?.queueDepth ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
