import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The JWT secret earlier releases shipped in config/default.yaml: public, so refused everywhere. */
export const DEFAULT_JWT_SECRET = 'modelport-insecure-default-secret';
/** An explicit JWT_SECRET shorter than this is refused (HS256 wants at least 256 bits). */
export const MIN_EXPLICIT_JWT_SECRET_LENGTH = 32;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

const configSchema = z.object({
  nodeEnv: z.enum(['development', 'production', 'test']),
  server: z.object({
    host: z.string().min(1),
    port,
    trustedProxies: z.array(z.string().min(1)),
    bodyLimitBytes: positiveInt,
    unauthenticatedBodyLimitBytes: positiveInt,
    unauthenticatedMaxConcurrentBodies: positiveInt,
    unauthenticatedMaxInFlightBytes: positiveInt,
    headersTimeoutMs: positiveInt,
    bodyIdleTimeoutMs: positiveInt,
    bodyTimeoutMs: positiveInt,
    shutdownTimeoutMs: positiveInt,
  }),
  log: z.object({ level: z.enum(['error', 'warn', 'info', 'debug', 'silent']) }),
  storage: z.object({
    dataDir: z.string().min(1),
    modelStoreDir: z.string(),
    maxModelBytes: positiveInt,
    maxZipEntries: positiveInt,
    maxUnzippedBytes: positiveInt,
    maxZipInflationRatio: positiveInt,
    uploadIdleTimeoutMs: positiveInt,
    uploadTimeoutMs: positiveInt,
  }),
  auth: z.object({
    jwtSecret: z.string(),
    accessTokenTtlSeconds: positiveInt,
    refreshTokenTtlSeconds: positiveInt,
    adminUsername: z.string().min(1).max(64),
    adminPassword: z.string(),
    loginMaxFailures: positiveInt,
    loginMaxFailuresPerAddress: positiveInt,
    loginFailureWindowSeconds: positiveInt,
    loginUsernameBackoffSeconds: positiveInt,
  }),
  engines: z.object({
    disabled: z.array(z.string()),
    extraDirs: z.array(z.string().min(1)),
    onnxruntime: z.object({ intraOpNumThreads: nonNegativeInt, interOpNumThreads: positiveInt }),
    tensorflow: z.object({ wasmThreads: positiveInt }),
    tensorrt: z.object({
      bindingPath: z.string(),
      validateTimeoutMs: positiveInt,
      builder: z.object({
        fp16: z.boolean(),
        workspaceMiB: nonNegativeInt,
        optimizationLevel: z.coerce.number().int().min(-1).max(5),
        maxBatchSize: positiveInt,
        dynamicMin: positiveInt,
        dynamicOpt: positiveInt,
        dynamicMax: positiveInt,
      }),
    }),
  }),
  serving: z.object({ maxImagePixels: positiveInt, maxImagesPerRequest: positiveInt, engineGraceMs: nonNegativeInt, refusedBodyDrainBytes: nonNegativeInt, refusedBodyDrainMs: nonNegativeInt, memoryBudgetMb: nonNegativeInt, encoderThreads: nonNegativeInt.max(64), threadNice: nonNegativeInt.max(19), heapGrowingPercent: nonNegativeInt.max(1000), parallelScavenge: z.stringbool().or(z.boolean()), preprocessAhead: nonNegativeInt.max(10_000) }),
  metrics: z.object({ token: z.string(), systemSampleIntervalMs: positiveInt }),
  database: z.object({
    url: z.string().refine((value) => value === '' || /^postgres(ql)?:\/\//.test(value), 'must be empty (SQLite) or a postgres:// URL'),
    poolSize: positiveInt,
  }),
  cluster: z.object({
    redisUrl: z.string().refine((value) => value === '' || /^rediss?:\/\//.test(value), 'must be empty or a redis:// URL'),
    redisPrefix: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _.:- only'),
    reconcileIntervalMs: positiveInt,
    heartbeatIntervalMs: positiveInt,
    replicaAddress: z.string().max(256),
  }),
  audit: z.object({ anonymousPerMinute: positiveInt, retentionDays: positiveInt }),
  grpc: z.object({ enabled: z.stringbool().or(z.boolean()), port }),
});

export type AppConfigValues = z.infer<typeof configSchema>;

/**
 * The validated configuration, injectable by class. Nest resolves it without @Inject()
 * because the class itself is the token.
 */
export class AppConfig {
  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }
}
// Declaration merging gives AppConfig the fields of the schema without repeating them.
export interface AppConfig extends AppConfigValues {}

/** Environment variable → config path. The path is also how a validation error names the variable. */
const ENV_BINDINGS: Record<string, { path: string; list?: boolean }> = {
  NODE_ENV: { path: 'nodeEnv' },
  HOST: { path: 'server.host' },
  PORT: { path: 'server.port' },
  TRUSTED_PROXIES: { path: 'server.trustedProxies', list: true },
  MAX_REQUEST_BYTES: { path: 'server.bodyLimitBytes' },
  SHUTDOWN_TIMEOUT_MS: { path: 'server.shutdownTimeoutMs' },
  MAX_UNAUTHENTICATED_BODY_BYTES: { path: 'server.unauthenticatedBodyLimitBytes' },
  MAX_UNAUTHENTICATED_BODIES: { path: 'server.unauthenticatedMaxConcurrentBodies' },
  MAX_UNAUTHENTICATED_IN_FLIGHT_BYTES: { path: 'server.unauthenticatedMaxInFlightBytes' },
  HEADERS_TIMEOUT_MS: { path: 'server.headersTimeoutMs' },
  BODY_IDLE_TIMEOUT_MS: { path: 'server.bodyIdleTimeoutMs' },
  BODY_TIMEOUT_MS: { path: 'server.bodyTimeoutMs' },
  UPLOAD_IDLE_TIMEOUT_MS: { path: 'storage.uploadIdleTimeoutMs' },
  UPLOAD_TIMEOUT_MS: { path: 'storage.uploadTimeoutMs' },
  LOG_LEVEL: { path: 'log.level' },
  DATA_DIR: { path: 'storage.dataDir' },
  MODEL_STORE_DIR: { path: 'storage.modelStoreDir' },
  MAX_MODEL_BYTES: { path: 'storage.maxModelBytes' },
  MAX_ZIP_ENTRIES: { path: 'storage.maxZipEntries' },
  MAX_UNZIPPED_BYTES: { path: 'storage.maxUnzippedBytes' },
  MAX_ZIP_INFLATION_RATIO: { path: 'storage.maxZipInflationRatio' },
  JWT_SECRET: { path: 'auth.jwtSecret' },
  ACCESS_TOKEN_TTL_SECONDS: { path: 'auth.accessTokenTtlSeconds' },
  REFRESH_TOKEN_TTL_SECONDS: { path: 'auth.refreshTokenTtlSeconds' },
  ADMIN_USERNAME: { path: 'auth.adminUsername' },
  ADMIN_PASSWORD: { path: 'auth.adminPassword' },
  LOGIN_MAX_FAILURES: { path: 'auth.loginMaxFailures' },
  LOGIN_FAILURE_WINDOW_SECONDS: { path: 'auth.loginFailureWindowSeconds' },
  LOGIN_MAX_FAILURES_PER_ADDRESS: { path: 'auth.loginMaxFailuresPerAddress' },
  LOGIN_USERNAME_BACKOFF_SECONDS: { path: 'auth.loginUsernameBackoffSeconds' },
  DISABLED_ENGINES: { path: 'engines.disabled', list: true },
  ENGINE_DIRS: { path: 'engines.extraDirs', list: true },
  ORT_INTRA_OP_THREADS: { path: 'engines.onnxruntime.intraOpNumThreads' },
  ORT_INTER_OP_THREADS: { path: 'engines.onnxruntime.interOpNumThreads' },
  TF_WASM_THREADS: { path: 'engines.tensorflow.wasmThreads' },
  TENSORRT_BINDING: { path: 'engines.tensorrt.bindingPath' },
  TENSORRT_WORKSPACE_MIB: { path: 'engines.tensorrt.builder.workspaceMiB' },
  TENSORRT_MAX_BATCH: { path: 'engines.tensorrt.builder.maxBatchSize' },
  MAX_IMAGE_PIXELS: { path: 'serving.maxImagePixels' },
  MAX_IMAGES_PER_REQUEST: { path: 'serving.maxImagesPerRequest' },
  ENGINE_GRACE_MS: { path: 'serving.engineGraceMs' },
  REFUSED_BODY_DRAIN_BYTES: { path: 'serving.refusedBodyDrainBytes' },
  REFUSED_BODY_DRAIN_MS: { path: 'serving.refusedBodyDrainMs' },
  MODEL_MEMORY_BUDGET_MB: { path: 'serving.memoryBudgetMb' },
  ENCODER_THREADS: { path: 'serving.encoderThreads' },
  SERVING_THREAD_NICE: { path: 'serving.threadNice' },
  SERVING_HEAP_GROWING_PERCENT: { path: 'serving.heapGrowingPercent' },
  SERVING_PARALLEL_SCAVENGE: { path: 'serving.parallelScavenge' },
  SERVING_PREPROCESS_AHEAD: { path: 'serving.preprocessAhead' },
  METRICS_TOKEN: { path: 'metrics.token' },
  SYSTEM_SAMPLE_INTERVAL_MS: { path: 'metrics.systemSampleIntervalMs' },
  DATABASE_URL: { path: 'database.url' },
  DATABASE_POOL_SIZE: { path: 'database.poolSize' },
  REDIS_URL: { path: 'cluster.redisUrl' },
  REDIS_PREFIX: { path: 'cluster.redisPrefix' },
  RECONCILE_INTERVAL_MS: { path: 'cluster.reconcileIntervalMs' },
  HEARTBEAT_INTERVAL_MS: { path: 'cluster.heartbeatIntervalMs' },
  REPLICA_ADDRESS: { path: 'cluster.replicaAddress' },
  AUDIT_ANONYMOUS_PER_MINUTE: { path: 'audit.anonymousPerMinute' },
  AUDIT_RETENTION_DAYS: { path: 'audit.retentionDays' },
  GRPC_ENABLED: { path: 'grpc.enabled' },
  GRPC_PORT: { path: 'grpc.port' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The repository root: two levels above this file in both `src/config` and `dist/src/config`. */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = resolve(here, '..', '..');
  return existsSync(join(candidate, 'package.json')) ? candidate : resolve(candidate, '..');
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function envNameFor(path: string): string {
  const entry = Object.entries(ENV_BINDINGS).find(([, binding]) => path === binding.path || path.startsWith(`${binding.path}.`));
  return entry ? entry[0] : path;
}

/**
 * Loads config/default.yaml (or CONFIG_FILE), applies the environment, and validates the result.
 * Throws ConfigError naming the offending environment variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const file = env.CONFIG_FILE ?? join(projectRoot(), 'config', 'default.yaml');
  let raw: Record<string, unknown>;
  try {
    raw = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  raw.nodeEnv = 'development';
  for (const [name, binding] of Object.entries(ENV_BINDINGS)) {
    const value = env[name];
    if (value === undefined || (value === '' && binding.list !== true && name !== 'ADMIN_PASSWORD' && name !== 'METRICS_TOKEN' && name !== 'JWT_SECRET')) continue;
    const parsed = binding.list ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
    setPath(raw, binding.path, parsed);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      return `${envNameFor(path)} (${path}): ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  const { jwtSecret } = values.auth;
  if (jwtSecret === DEFAULT_JWT_SECRET) {
    throw new ConfigError('JWT_SECRET (auth.jwtSecret): the secret once shipped in config/default.yaml is public; set your own or leave it empty to generate one');
  }
  if (values.nodeEnv === 'production' && jwtSecret === '') {
    throw new ConfigError('JWT_SECRET must be set when NODE_ENV=production');
  }
  if (values.nodeEnv === 'production' && jwtSecret.length < MIN_EXPLICIT_JWT_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET (auth.jwtSecret): must be at least ${MIN_EXPLICIT_JWT_SECRET_LENGTH} characters when NODE_ENV=production`);
  }
  values.storage.dataDir = resolve(values.storage.dataDir);
  if (values.storage.modelStoreDir) values.storage.modelStoreDir = resolve(values.storage.modelStoreDir);
  return new AppConfig(values);
}

/** True when the configured host is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
