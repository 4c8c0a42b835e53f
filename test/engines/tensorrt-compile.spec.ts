/**
 * CI compiles the TensorRT addon on every run: engines/tensorrt/native/scripts/gyp-build.sh check runs
 * node-gyp configure (offline, with Node's installed headers) and compiles the addon's sources with
 * node-gyp's flags plus -Wall -Wextra -Werror against the TensorRT 10.16 and 11.1 headers in
 * ../shared/third-party/tensorrt and the CUDA headers. Where those are absent (a user's clone) the
 * script exits 77 with one line saying why, and this test is skipped with that line.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GYP_BUILD } from './tensorrt-native-harness.js';

function runCheck(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('bash', [GYP_BUILD, 'check'], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('tensorrt addon compile check', () => {
  it('compiles against TensorRT 10.16 and 11.1 with -Werror, or skips with one line', { timeout: 600_000 }, async (context) => {
    const { code, output } = await runCheck();
    if (code === 77) {
      const line = output.trim().split('\n').at(-1) ?? 'skipped';
      console.log(line);
      context.skip(line);
      return;
    }
    expect(output, output).toMatch(/compiled against TensorRT 10\.16 .*: ok/);
    expect(output).toMatch(/compiled against TensorRT 11\.1 .*: ok/);
    expect(code).toBe(0);
  });

  it('skips with one clear line when the headers are absent', { timeout: 60_000 }, async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile('bash', [GYP_BUILD, 'check'], { env: { ...process.env, MODELPORT_TRT_HEADERS: '/nonexistent/tensorrt' } }, (error, stdout, stderr) =>
        resolve({ code: error && typeof error.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(result).toEqual({ code: 77, output: 'gyp-build: skipped: no TensorRT headers at /nonexistent/tensorrt\n' });
  });
});
