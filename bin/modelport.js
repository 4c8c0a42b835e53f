#!/usr/bin/env node
// The `modelport` command. It runs the compiled CLI from dist/; in a fresh clone (after `npm ci`)
// that does not exist yet, so the first run compiles the project once with the local TypeScript.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('modelport: dist/ is missing and TypeScript is not installed; run `npm ci && npm run build` first\n');
    process.exit(1);
  }
  process.stderr.write('modelport: first run, compiling (npm run build)...\n');
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0 || !existsSync(entry)) {
    process.stderr.write('modelport: the build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}
const { runCli } = await import(pathToFileURL(entry).href);
// Exit at once: idle keep-alive connections must not hold a CI step open.
process.exit(await runCli(process.argv.slice(2)));
