import type { ModelArtifact, ModelSignature } from '../../engines/sdk/index.js';
import type { ModelConfig } from '../models/model-config.js';
import type { ResidencyState } from '../models/model-view.js';

/** What the model store hands the serving runtime to deploy one version of a model. */
export interface DeploymentSpec {
  modelId: string;
  modelName: string;
  version: number;
  engine: string;
  artifact: ModelArtifact;
  /** sha256 of the stored artifact, when the store knows it: keys measurements kept across deploys (the batch profile). */
  artifactSha256?: string;
  signature: ModelSignature;
  /** The stored config with deploy-time overrides already merged in. */
  config: ModelConfig;
}

/**
 * The port between the model store (lifecycle, persistence) and the serving runtime (queues,
 * batching, loaded instances). The store decides WHAT is deployed; the deployer makes it so.
 */
export abstract class ModelDeployer {
  /**
   * Loads and warms `spec`, then routes traffic to it. If another version of the model is
   * serving, this is a hot swap: the switch is atomic, the old instances drain and are disposed,
   * and no request fails because of it. On failure it throws and whatever was serving keeps serving.
   */
  abstract deploy(spec: DeploymentSpec): Promise<void>;
  /** Stops admitting requests, lets queued and in-flight ones finish, then frees the instances. */
  abstract undeploy(modelId: string): Promise<void>;
  /** Applies a changed config to a deployed model without a restart (reloads only if `instances` changed). */
  abstract reconfigure(modelId: string, config: ModelConfig): Promise<void>;
  abstract deployedVersion(modelId: string): number | undefined;
  /** The model's name changed: what serving reports (v2 metadata, model_name) follows at once. */
  abstract renamed(modelId: string, name: string): void;
  /** Unloads an idle on-demand model's instances (it stays deployed); false when it was not loaded. */
  abstract unload(modelId: string): Promise<boolean>;
  /** Whether the model's instances are loaded, what they cost, and when it was last used; undefined when not deployed. */
  abstract residencyOf(modelId: string): ResidencyState | undefined;
  /** Every model id this process is serving (for the reconcile, which also undeploys what the database no longer wants). */
  deployedModelIds(): string[] {
    return [];
  }
}
