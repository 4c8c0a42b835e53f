import type { ModelSignature } from '../../engines/sdk/index.js';
import type { BatchProfile } from '../serving/batch-profile.js';
import type { DeploymentOverrides, ModelConfig } from './model-config.js';
import { resolveModelConfig } from './model-config.js';
import type { ModelEntity, ModelStatus, ModelVersionEntity, ValidationReport, VersionStatus } from './model.entity.js';

export interface VersionView {
  version: number;
  status: VersionStatus;
  engine: string;
  format: string;
  sha256: string;
  sizeBytes: number;
  signature: ModelSignature | null;
  validation: ValidationReport;
  config: ModelConfig;
  active: boolean;
  createdAt: string;
}

export interface DeploymentSettings {
  batching: { maxBatchSize: number; maxQueueDelayMs: number; preferredBatchSizes: number[] };
  queue: { maxSize: number; timeoutMs: number };
  instances: number;
  residency: { mode: 'pinned' | 'on-demand'; idleUnloadSeconds: number };
  isolation: 'thread' | 'process';
  maxMemoryMb: number;
}

/** What serving reports about a model's loaded instances (see ModelDeployer.residencyOf). */
export interface ResidencyState {
  /** Instances of the serving version are loaded (an on-demand model may be deployed and unloaded). */
  loaded: boolean;
  /** Measured resident memory of the loaded instances (0 when unloaded). */
  memoryBytes: number;
  /** Last request queued for the model, or null. */
  lastUsedAt: string | null;
  /** Duration of the last load that a request waited for, or null. */
  lastColdStartMs: number | null;
  lastColdStartAt: string | null;
  /** Latency per batch size measured on this host when the serving version was loaded, and the sizes chosen from it; null when none was taken. */
  batchProfile: BatchProfile | null;
}

export const NOT_LOADED: ResidencyState = { loaded: false, memoryBytes: 0, lastUsedAt: null, lastColdStartMs: null, lastColdStartAt: null, batchProfile: null };

export interface ModelView extends ResidencyState {
  id: string;
  name: string;
  description: string;
  engine: string;
  format: string;
  status: ModelStatus;
  statusReason: string | null;
  /** The newest uploaded version. */
  version: number;
  activeVersion: number;
  signature: ModelSignature | null;
  config: ModelConfig;
  validation: ValidationReport;
  sha256: string;
  sizeBytes: number;
  deploymentOverrides: DeploymentOverrides;
  /** Effective batching/queue/instances (config merged with overrides, defaults applied); null when the model is invalid. */
  deployment: DeploymentSettings | null;
  createdAt: string;
  updatedAt: string;
  versions?: VersionView[];
}

/** The active version's config with the deploy-time overrides laid over it. */
export function configWithOverrides(config: ModelConfig, overrides: DeploymentOverrides): ModelConfig {
  const merged: ModelConfig = { ...config };
  if (overrides.batching) merged.batching = { ...config.batching, ...overrides.batching };
  if (overrides.queue) merged.queue = { ...config.queue, ...overrides.queue };
  if (overrides.instances !== undefined) merged.instances = overrides.instances;
  if (overrides.residency) merged.residency = { ...config.residency, ...overrides.residency };
  if (overrides.isolation !== undefined) merged.isolation = overrides.isolation;
  if (overrides.maxMemoryMb !== undefined) merged.maxMemoryMb = overrides.maxMemoryMb;
  return merged;
}

function deploymentSettings(config: ModelConfig, signature: ModelSignature | null): DeploymentSettings | null {
  if (!signature) return null;
  try {
    const resolved = resolveModelConfig(config, signature);
    return { batching: resolved.batching, queue: resolved.queue, instances: resolved.instances, residency: resolved.residency, isolation: resolved.isolation, maxMemoryMb: resolved.maxMemoryMb };
  } catch {
    return null;
  }
}

export function toVersionView(version: ModelVersionEntity, activeVersion: number): VersionView {
  return {
    version: version.version,
    status: version.status,
    engine: version.engine,
    format: version.format,
    sha256: version.sha256,
    sizeBytes: version.sizeBytes,
    signature: version.signature,
    validation: version.validation,
    config: version.config,
    active: version.version === activeVersion,
    createdAt: version.createdAt,
  };
}

export function toModelView(model: ModelEntity, active: ModelVersionEntity, latestVersion: number, versions?: ModelVersionEntity[], residency?: ResidencyState): ModelView {
  const view: ModelView = {
    id: model.id,
    name: model.name,
    description: model.description,
    engine: model.engine,
    format: model.format,
    status: model.status,
    statusReason: model.statusReason,
    version: latestVersion,
    activeVersion: model.activeVersion,
    signature: active.signature,
    config: active.config,
    validation: active.validation,
    sha256: active.sha256,
    sizeBytes: active.sizeBytes,
    deploymentOverrides: model.deploymentOverrides,
    deployment: deploymentSettings(configWithOverrides(active.config, model.deploymentOverrides), active.signature),
    createdAt: model.createdAt,
    updatedAt: model.updatedAt,
    ...(residency ?? NOT_LOADED),
  };
  if (versions) view.versions = versions.map((version) => toVersionView(version, model.activeVersion));
  return view;
}
