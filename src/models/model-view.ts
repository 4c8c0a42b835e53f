import type { ModelSignature } from '../../engines/sdk/index.js';
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
}

export interface ModelView {
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
  return merged;
}

function deploymentSettings(config: ModelConfig, signature: ModelSignature | null): DeploymentSettings | null {
  if (!signature) return null;
  try {
    const resolved = resolveModelConfig(config, signature);
    return { batching: resolved.batching, queue: resolved.queue, instances: resolved.instances };
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

export function toModelView(model: ModelEntity, active: ModelVersionEntity, latestVersion: number, versions?: ModelVersionEntity[]): ModelView {
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
  };
  if (versions) view.versions = versions.map((version) => toVersionView(version, model.activeVersion));
  return view;
}
