/**
 * Bundles the compiled server (`dist/src/main.js` and everything it imports, JavaScript packages
 * included) into one ES module, `dist/server.mjs`, so a boot reads one file instead of resolving
 * and compiling about 1,400 modules (over half of an empty boot). Run after `tsc`:
 *
 *   node dist/src/tools/bundle-server.js
 *
 * The bundle is an optimisation only: every file it was made from stays in `dist/`, and three kinds
 * stay outside it on purpose:
 * - native addons and the packages that locate their own binaries (listed in EXTERNAL_PACKAGES);
 * - engine plugins (`dist/engines`), which the registry imports from disk and which must share one
 *   copy of the engine contract with the server;
 * - worker and child-process scripts, which are started by path.
 * Modules that find files beside themselves (`import.meta.url`) get their original location
 * substituted, so `config/`, `migrations/`, `web/` and the worker scripts resolve as before.
 */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Packages with native code or run-time file lookups of their own; resolved from node_modules at run time. */
export const EXTERNAL_PACKAGES = [
  'sharp',
  'onnxruntime-node',
  'onnxruntime-common',
  'sqlite3',
  '@tensorflow/*',
  'pg-native',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
];

const BANNER = [
  // Bundled CommonJS packages call require(); give them the real one.
  "import { createRequire as __modelportCreateRequire } from 'node:module';",
  "import { dirname as __modelportDirname, join as __modelportJoin } from 'node:path';",
  "import { fileURLToPath as __modelportFileURLToPath } from 'node:url';",
  'const require = __modelportCreateRequire(import.meta.url);',
  // A bundled file's original path, from its path relative to the bundle (see keepFileLocations).
  'const __modelportOriginal = (file) => __modelportJoin(__modelportDirname(__modelportFileURLToPath(import.meta.url)), file);',
].join('\n');

/**
 * Leaves optional peers that are not installed (Nest's express adapter and microservices, TypeORM's
 * other drivers, ...) as run-time imports: the packages that name them load them lazily, inside a
 * try, and do without.
 */
function optionalPeersStayOptional(): Plugin {
  return {
    name: 'modelport-optional-peers',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'probe') return undefined;
        const found = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'probe' });
        return found.errors.length > 0 ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

/**
 * Keeps `dist/engines/**` on disk, and points every bundled module that finds files beside itself
 * at its original file: the server's ES modules through `import.meta.url`, CommonJS packages
 * (swagger-ui-dist, app-root-path, ...) through `__dirname` / `__filename`.
 */
function keepFileLocations(distDir: string, outFile: string): Plugin {
  const enginesDir = join(distDir, 'engines') + sep;
  const outDir = dirname(outFile);
  /** A file's path relative to the bundle, as an import specifier (`./…` or `../…`). */
  const fromBundle = (file: string) => {
    const path = relative(outDir, file).split(sep).join('/');
    return path.startsWith('.') ? path : `./${path}`;
  };
  return {
    name: 'modelport-file-locations',
    setup(builder) {
      builder.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        return target.startsWith(enginesDir) ? { path: fromBundle(target), external: true } : undefined;
      });
      builder.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const original = JSON.stringify(fromBundle(args.path));
        if (args.path.startsWith(distDir + sep)) {
          if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
          return { contents: source.replaceAll('import.meta.url', `new URL(${original}, import.meta.url).href`), loader: 'js' };
        }
        const usesCommonJsPaths = /\b__(dirname|filename)\b/.test(source) && !/\b(const|let|var|function)\s+__(dirname|filename)\b/.test(source);
        if (!usesCommonJsPaths) return { contents: source, loader: 'js' };
        return { contents: `var __filename = __modelportOriginal(${original}); var __dirname = __modelportDirname(__filename);\n${source}`, loader: 'js' };
      });
    },
  };
}

/** Where the bundle goes, and what `npm start` runs: `<dist>/server.mjs`. */
export function bundlePath(distDir: string): string {
  return join(distDir, 'server.mjs');
}

export async function bundleServer(distDir: string): Promise<string> {
  const outFile = bundlePath(distDir);
  await build({
    entryPoints: [join(distDir, 'src', 'main.js')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Nest resolves providers by class, not by name, but its errors and logs print class names.
    keepNames: true,
    sourcemap: 'linked',
    banner: { js: BANNER },
    external: EXTERNAL_PACKAGES,
    plugins: [optionalPeersStayOptional(), keepFileLocations(distDir, outFile)],
    logLevel: 'warning',
  });
  return outFile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  bundleServer(distDir).then(
    (file) => console.log(`bundled the server into ${relative(process.cwd(), file)}`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
