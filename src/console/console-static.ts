import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { frameworkErrorHandler } from '../common/request-limits.js';

/** Paths that belong to the API; the console's index.html fallback never answers them. */
const RESERVED = /^\/(api|v2|docs|docs-json|metrics|health|ready)(\/|$|\?)/;

/**
 * Fastify's router skips a route whose path parameter is longer than its maxParamLength (100), so
 * such an API request lands on the console's wildcard: it is answered as the router would, 414.
 */
const MAX_PARAM_LENGTH = 100;
const hasOverlongSegment = (url: string) => url.split('?', 1)[0].split('/').some((segment) => segment.length > MAX_PARAM_LENGTH);

/** The built console: <project>/dist/console, found from this file in src/ (tests) or dist/src/ (npm start). */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'dist', 'console');
}

/**
 * The console's Content-Security-Policy: scripts only from our own origin (no inline script),
 * no framing, no plugins. Inline style attributes are allowed because the component and chart
 * libraries position elements with them; that cannot run code.
 */
const CONSOLE_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/**
 * Serves the single-page console at `/`: its hashed assets as files, and index.html for every
 * other GET from a browser that is not an API path (client-side routes). Registered in its own encapsulated
 * context, so the security headers apply to the console's responses and not to /docs (whose UI
 * needs inline script).
 */
export async function registerConsole(fastify: FastifyInstance, consoleDir = defaultConsoleDir()): Promise<void> {
  const built = existsSync(join(consoleDir, 'index.html'));
  await fastify.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: CONSOLE_CSP,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    });
    if (built) {
      await scope.register(fastifyStatic, {
        root: consoleDir,
        prefix: '/',
        wildcard: false,
        index: false,
        // The build writes a .gz beside each asset; clients that accept gzip get it.
        preCompressed: true,
        setHeaders(reply, path) {
          // Vite names assets by content hash: they can be cached for good; index.html never.
          reply.header('Cache-Control', path.includes(`${join('/', 'assets', '/')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }
    const fallback = (request: FastifyRequest, reply: FastifyReply) => {
      // Only a browser navigating (Accept: text/html) gets the app; API clients keep JSON 404s.
      if (RESERVED.test(request.url) && hasOverlongSegment(request.url)) return frameworkErrorHandler({ code: 'FST_ERR_MAX_PARAM_LENGTH' }, request, reply);
      if (RESERVED.test(request.url) || !String(request.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
      if (!built) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The console is not built. Run `npm run build` (npm start does it), then reload.');
      }
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    };
    scope.get('/', fallback);
    scope.get('/*', fallback);
  });
}
