import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { ENGINE_API_VERSION, isApiCompatible, type ArtifactFormat, type Engine, type EngineLogger } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { defaultEnginesDir, findEngineFolders, importEngineFactory } from './engine-loader.js';
import pTimeout from 'p-timeout';

export interface EngineStatus {
  name: string;
  version: string;
  available: boolean;
  reason?: string;
  backend?: string;
  devices?: string[];
  formats: string[];
}

/** The API shape: every key present, null where an engine reported nothing. */
export interface EngineView {
  name: string;
  version: string;
  available: boolean;
  reason: string | null;
  backend: string | null;
  devices: string[];
  formats: string[];
}

export function engineView(status: EngineStatus): EngineView {
  return {
    name: status.name,
    version: status.version,
    available: status.available,
    reason: status.reason ?? null,
    backend: status.backend ?? null,
    devices: status.devices ?? [],
    formats: status.formats,
  };
}

interface Entry {
  engine?: Engine;
  status: EngineStatus;
}

const PROBE_TIMEOUT_MS = 10_000;

function engineLogger(logger: Logger): EngineLogger {
  return {
    debug: (message, fields) => logger.debug({ message, ...fields }),
    info: (message, fields) => logger.log({ message, ...fields }),
    warn: (message, fields) => logger.warn({ message, ...fields }),
    error: (message, fields) => logger.error({ message, ...fields }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return pTimeout(promise, { milliseconds: ms, message: `${what} timed out after ${ms} ms` });
}

/**
 * The engines this process can use. Discovery lists the top-level engines/ folder (plus
 * engines.extraDirs); nothing in src/ names an engine. Each engine is version-checked and probed
 * once at boot, and a failing engine is listed as unavailable instead of breaking the boot.
 */
@Injectable()
export class EngineRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EngineRegistry');
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const roots = [defaultEnginesDir(), ...this.config.engines.extraDirs];
    for (const root of roots) {
      for (const candidate of findEngineFolders(root)) await this.register(candidate.folder, candidate.entry);
    }
    const summary = this.list().map(({ name, available, backend, reason }) => ({ name, available, backend, reason }));
    this.logger.log({ message: 'engines discovered', engines: summary });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { engine } of this.entries.values()) {
      try {
        await engine?.shutdown?.();
      } catch (error) {
        this.logger.warn({ message: 'engine shutdown failed', engine: engine?.name, error: (error as Error).message });
      }
    }
  }

  list(): EngineStatus[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.status })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** An available engine by name. */
  get(name: string): Engine | undefined {
    const entry = this.entries.get(name);
    return entry?.status.available ? entry.engine : undefined;
  }

  require(name: string): Engine {
    const engine = this.get(name);
    if (engine) return engine;
    const reason = this.entries.get(name)?.status.reason ?? 'no such engine';
    throw ApiError.conflict('ENGINE_UNAVAILABLE', `Engine "${name}" is unavailable: ${reason}`, { engine: name, reason });
  }

  /** The first available engine (by name) that accepts the format. */
  engineForFormat(format: ArtifactFormat): Engine | undefined {
    return this.list()
      .filter((status) => status.available && status.formats.includes(format))
      .map((status) => this.get(status.name))
      .find((engine) => engine !== undefined);
  }

  /**
   * Threads one loaded model instance may use. Several deployed models share the machine, so by
   * default an instance gets half the cores: two busy models fill the CPU without each spawning
   * a thread per core and thrashing (ORT's default is one thread per core, per session).
   */
  threadsPerInstance(): { intraOp: number; interOp: number } {
    const configured = this.config.engines.onnxruntime.intraOpNumThreads;
    const intraOp = configured > 0 ? configured : Math.max(1, Math.floor(availableParallelism() / 2));
    return { intraOp, interOp: Math.max(1, this.config.engines.onnxruntime.interOpNumThreads) };
  }

  private async register(folder: string, entryFile: string): Promise<void> {
    const folderName = folder.split(/[\\/]/).pop() ?? folder;
    let engine: Engine;
    try {
      const factory = await importEngineFactory(entryFile);
      const slice = (this.config.engines as Record<string, unknown>)[folderName];
      engine = await factory({
        config: typeof slice === 'object' && slice !== null ? (slice as Record<string, unknown>) : {},
        logger: engineLogger(new Logger(`engine:${folderName}`)),
      });
    } catch (error) {
      this.logger.warn({ message: 'engine failed to load', folder, error: (error as Error).message });
      this.set({ name: folderName, version: 'unknown', available: false, reason: `failed to load: ${(error as Error).message}`, formats: [] });
      return;
    }
    const name = engine.name ?? folderName;
    if (this.entries.has(name)) {
      this.logger.warn({ message: 'duplicate engine name ignored', engine: name, folder });
      return;
    }
    const status: EngineStatus = { name, version: String(engine.version ?? 'unknown'), available: false, formats: [...(engine.formats ?? [])] };
    const compatible = isApiCompatible(String(engine.apiVersion), ENGINE_API_VERSION);
    if (!compatible.ok) {
      this.logger.warn({ message: 'engine refused: incompatible engine API', engine: name, engineApi: engine.apiVersion, hostApi: ENGINE_API_VERSION, reason: compatible.reason });
      this.set({ ...status, reason: `incompatible engine API: ${compatible.reason}` });
      return;
    }
    if (this.config.engines.disabled.includes(name) || this.config.engines.disabled.includes(folderName)) {
      this.set({ ...status, reason: 'disabled by configuration' }, engine);
      return;
    }
    try {
      const probe = await withTimeout(engine.probe(), PROBE_TIMEOUT_MS, 'probe');
      this.set({ ...status, available: probe.available === true, reason: probe.reason, backend: probe.backend, devices: probe.devices }, engine);
    } catch (error) {
      this.logger.warn({ message: 'engine probe failed', engine: name, error: (error as Error).message });
      this.set({ ...status, reason: `probe failed: ${(error as Error).message}` }, engine);
    }
  }

  private set(status: EngineStatus, engine?: Engine): void {
    this.entries.set(status.name, { engine, status });
  }
}
