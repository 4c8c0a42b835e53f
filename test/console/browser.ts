import { existsSync } from 'node:fs';

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = () => existsSync(CHROMIUM_PATH);

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const SKIP_LINE = `Browser tests skipped: no Chromium at ${CHROMIUM_PATH}. Enable them with \`apt-get install -y chromium\` (or set CHROMIUM_PATH), then npm test.`;
