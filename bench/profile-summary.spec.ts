import { describe, expect, it } from 'vitest';
import { areaOf, summarizeProfile } from './profile-summary.js';

describe('CPU profile summary', () => {
  it('groups frames by package, project folder or V8 pseudo-frame', () => {
    expect(areaOf('file:///app/node_modules/@fastify/busboy/lib/main.js', 'x')).toBe('@fastify/busboy');
    expect(areaOf('file:///app/node_modules/sharp/lib/output.js', 'x')).toBe('sharp');
    expect(areaOf('file:///app/dist/src/serving/queue.js', 'x')).toBe('modelport src/serving');
    expect(areaOf('node:internal/streams/readable', 'x')).toBe('node core');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(areaOf('', 'postMessage')).toBe('(native)');
  });

  it('attributes sample time deltas to each node as self time', () => {
    const summary = summarizeProfile({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'decode', url: 'file:///app/node_modules/sharp/lib/input.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      ],
      samples: [2, 2, 3, 2],
      timeDeltas: [1000, 2000, 5000, 2000],
      startTime: 0,
      endTime: 10_000,
    });
    expect(summary.totalMs).toBe(10);
    expect(summary.byArea).toEqual([
      { area: 'sharp', ms: 5, percent: 50 },
      { area: '(idle)', ms: 5, percent: 50 },
    ]);
    expect(summary.topFunctions[0]).toMatchObject({ name: 'decode lib/input.js:10', area: 'sharp', ms: 5 });
  });
});
