import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const runScript = join(root, 'dist', 'bench', 'run.js');

/**
 * Runs `npm run bench -- --smoke` against the production build (npm test builds dist/ first), so
 * every part of the benchmark — limit, naive server, platform, overload, deploy cycles — keeps working.
 * Asserts that each part produced results, never how fast they were.
 */
describe('benchmark smoke run', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'modelport-bench-smoke-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every scenario and writes JSON and Markdown results', { timeout: 240_000 }, () => {
    expect(existsSync(runScript), 'dist/bench/run.js is missing: run `npm run build` first').toBe(true);
    const run = spawnSync(process.execPath, [runScript, '--smoke', '--out', outDir], { cwd: root, encoding: 'utf8', timeout: 230_000 });
    const files = readdirSync(outDir);
    const jsonFile = files.find((file) => file.endsWith('-smoke.json'));
    expect(jsonFile, `no results written; stderr: ${run.stderr.slice(-3000)}`).toBeDefined();
    const results = JSON.parse(readFileSync(join(outDir, jsonFile!), 'utf8'));
    expect(results.problems).toEqual([]);
    expect(run.status).toBe(0);
    expect(results.mode).toBe('smoke');
    expect(results.machine.cores).toBeGreaterThan(0);

    const [model] = results.models;
    expect(model.name).toBe('tiny32');
    expect(model.limit.best.imagesPerSecond).toBeGreaterThan(0);
    for (const series of [model.naive, model.platform.batched, model.platform.unbatched]) {
      expect(series.map((r: { connections: number }) => r.connections)).toEqual([1, 4]);
      for (const r of series) {
        expect(r.success).toBeGreaterThan(0);
        expect(r.success).toBe(r.requests);
        expect(r.latencyMs.p99).toBeGreaterThanOrEqual(r.latencyMs.p50);
      }
    }
    // The platform's own stats saw the load the generator sent.
    const after = model.platform.statsAfter.batched.after.requests.success - model.platform.statsAfter.batched.before.requests.success;
    expect(after).toBeGreaterThanOrEqual(model.platform.batched.reduce((sum: number, r: { success: number }) => sum + r.success, 0));

    expect(results.overload.offeredRps).toBeGreaterThan(results.overload.capacityRps);
    expect(results.overload.load.requests).toBeGreaterThan(0);
    expect(results.overload.peakRssBytes).toBeGreaterThan(0);
    expect(results.memory).toMatchObject({ cycles: 3, rssBeforeBytes: expect.any(Number), rssAfterBytes: expect.any(Number) });

    const markdown = readFileSync(join(outDir, jsonFile!.replace(/\.json$/, '.md')), 'utf8');
    expect(markdown).toContain('In-process limit');
    expect(markdown).toContain('batching on ÷ off');
    expect(run.stdout).toContain('| tiny32 | naive Fastify | 1 |');
  });
});
