import { chromiumAvailable, SKIP_LINE } from './browser.js';

/** Runs once before the suite: without Chromium, say so in one line instead of failing. */
export default function setup(): void {
  if (!chromiumAvailable()) process.stdout.write(`${SKIP_LINE}\n`);
}
