import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const script = join(root, 'dist', 'bench', 'residency.js');

/**
 * Runs `npm run bench:residency -- --quick` against the production build, so every part of the
 * residency benchmark keeps working. Asserts what each part produced and that the answers were
 * right, never how fast anything was.
 */
describe('residency benchmark smoke run', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'modelport-bench-residency-smoke-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs the residency, isolation and cycles parts and writes JSON and Markdown results', { timeout: 420_000 }, () => {
    expect(existsSync(script), 'dist/bench/residency.js is missing: run `npm run build` first').toBe(true);
    const run = spawnSync(process.execPath, [script, '--quick', '--out', outDir], { cwd: root, encoding: 'utf8', timeout: 410_000 });
    const files = readdirSync(outDir);
    const jsonFile = files.find((file) => file.endsWith('-quick.json'));
    expect(jsonFile, `no results written; stderr: ${run.stderr.slice(-3000)}`).toBeDefined();
    expect(files).toContain(jsonFile!.replace(/\.json$/, '.md'));
    const results = JSON.parse(readFileSync(join(outDir, jsonFile!), 'utf8'));
    expect(results.problems).toEqual([]);
    expect(run.status).toBe(0);

    const residency = results.residency;
    expect(residency.answered).toBe(residency.requests);
    expect(residency.wrongAnswers).toBe(0);
    expect(residency.serverPidUnchanged).toBe(true);
    expect(residency.crashes).toBe(0);
    // The budget fits fewer than ten: the mix must have evicted, and loaded bytes stayed within it.
    expect(residency.evictions).toBeGreaterThan(0);
    expect(residency.coldStarts).toBe(residency.loads);
    expect(residency.peakLoadedMb).toBeLessThanOrEqual(residency.budgetMb);
    expect(residency.hitRate).toBeGreaterThan(0);
    expect(residency.coldStartMs.p99).toBeGreaterThanOrEqual(residency.coldStartMs.p50);
    expect(residency.rssOverTime.length).toBeGreaterThan(1);

    const isolation = results.isolation;
    expect(isolation.rounds).toHaveLength(results.plan.isolationRounds);
    for (const round of isolation.rounds) {
      expect(round.thread).toBeGreaterThan(0);
      expect(round.process).toBeGreaterThan(0);
      expect(round.failed).toBe(0);
    }
    expect(isolation.ratio.median).toBeGreaterThan(0);

    const cycles = results.cycles;
    expect(cycles.samples).toHaveLength(results.plan.cycles);
    // Unloading a process-isolated model ends its process every time.
    expect(cycles.childrenLeftAfterUnload).toBe(0);
  });
});
