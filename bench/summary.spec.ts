import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import type { BenchResults, ModelResults } from './report.js';
import { renderSummary, summaryRows } from './summary.js';

const series = (rates: Record<number, number>): LoadResult[] =>
  Object.entries(rates).map(([connections, successPerSecond]) => ({ connections: Number(connections), successPerSecond }) as LoadResult);

function model(name: string, batchedMaxBatchSize: number | undefined, onRate: number): ModelResults {
  return {
    name,
    description: '',
    parameters: 0,
    fileBytes: 0,
    naive: series({ 4: 10, 16: 10, 32: 10 }),
    platform: { batched: series({ 4: onRate, 16: onRate, 32: onRate }), unbatched: series({ 4: 10, 16: 10, 32: 10 }), batchedMaxBatchSize },
  };
}

function results(rounds: ModelResults[][]): BenchResults {
  const round = (models: ModelResults[]): BenchResults => ({ startedAt: '', mode: 'full', machine: { cpuModel: '', cores: 2, memoryBytes: 0, node: '', platform: '' }, threads: { intraOpNumThreads: 2, interOpNumThreads: 1 }, settings: {}, models, problems: [] });
  return { ...round(rounds[rounds.length - 1]), rounds: rounds.map(round) };
}

const batchingRows = (bench: BenchResults, name: string) => summaryRows(bench).filter((row) => row.model === name && row.figure.startsWith('batching on ÷ off'));

describe('the summary table', () => {
  it('judges batching on ÷ off against the goal where the profile allowed batches', () => {
    const rows = batchingRows(results([[model('batches', 8, 9)], [model('batches', 8, 9)]]), 'batches');
    expect(rows.map((row) => [row.met, row.note])).toEqual([[false, undefined], [false, undefined]]);
    expect(rows[0].values).toEqual([0.9, 0.9]);
  });

  it('says "same work" instead of yes or no when every round kept maxBatchSize at 1, and still shows the ratio', () => {
    const bench = results([[model('single', 1, 9)], [model('single', 1, 11)]]);
    const rows = batchingRows(bench, 'single');
    expect(rows.every((row) => row.met === null && row.note === 'same work (profile: maxBatchSize 1)')).toBe(true);
    expect(rows[0].values).toEqual([0.9, 1.1]);
    expect(renderSummary(bench)).toContain('| batching on ÷ off, c=16 | single | 1.00 [0.90 – 1.10] | ≥ 1.0 | same work (profile: maxBatchSize 1) |');
  });

  it('judges the row when any round batched, or when a round did not record its cap', () => {
    expect(batchingRows(results([[model('mixed', 1, 9)], [model('mixed', 2, 9)]]), 'mixed')[0].met).toBe(false);
    expect(batchingRows(results([[model('unknown', undefined, 11)], [model('unknown', 1, 11)]]), 'unknown')[0].met).toBe(true);
  });
});
