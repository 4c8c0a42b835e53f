import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Injectable, Logger, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { ModelFileStorage } from '../storage/model-file-storage.js';
import { DeploymentSpec, ModelDeployer } from '../serving/model-deployer.js';
import { ArtifactValidator } from './artifact-validator.js';
import { DeploymentOverrides, ModelConfig, ModelConfigError, parseModelConfig } from './model-config.js';
import { ModelLocks } from './model-locks.js';
import { checkConfig, descriptionOf, invalidConfig, modelNameOf, ModelUploadService, PreparedArtifact } from './model-upload.service.js';
import { configWithOverrides, ModelView, toModelView, toVersionView, VersionView } from './model-view.js';
import { ModelEntity, ModelStatus, ModelVersionEntity } from './model.entity.js';
import { ModelListFilter, ModelRepository } from './model.repository.js';
import { isUniqueViolation } from '../database/sql-dialect.js';
import { ClusterEvents } from '../cluster/cluster-events.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { fullReason, publicReason } from './public-reason.js';

export interface ModelPatch {
  name?: string;
  description?: string;
  config?: unknown;
}

const DEPLOYED_STATES: ModelStatus[] = ['deployed', 'deploying'];

/**
 * The model lifecycle: upload → validated|invalid → deploying → deployed|failed → (undeploy)
 * validated, plus versions, hot swaps and deletion. The database says what SHOULD serve; the
 * ModelDeployer makes it so. Operations on one model are serialised by ModelLocks.
 */
/** What a converge did to this process's serving. */
export type ConvergeOutcome = 'deployed' | 'reconfigured' | 'undeployed' | 'unchanged';

@Injectable()
export class ModelLifecycleService {
  private readonly logger = new Logger('ModelLifecycle');

  constructor(
    private readonly repository: ModelRepository,
    private readonly storage: ModelFileStorage,
    private readonly uploads: ModelUploadService,
    private readonly validator: ArtifactValidator,
    private readonly locks: ModelLocks,
    private readonly clock: Clock,
    @Optional() private readonly deployer?: ModelDeployer,
    @Optional() private readonly events?: ClusterEvents,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** The merged config this process last applied per served model, so a converge can tell a config change from none. */
  private readonly appliedConfigs = new Map<string, string>();

  // ------------------------------------------------------------------ reads

  list(filter: ModelListFilter): Promise<{ items: ModelView[]; total: number }> {
    return this.repository.list(filter).then(async ({ items, total }) => ({
      items: await Promise.all(items.map((model) => this.view(model))),
      total,
    }));
  }

  async get(id: string): Promise<ModelView> {
    const model = await this.requireModel(id);
    return this.view(model, true);
  }

  // ------------------------------------------------------------------ uploads

  async create(request: FastifyRequest): Promise<ModelView> {
    const { fields, artifact } = await this.uploads.receive(request, { requireName: true });
    return this.createFrom({ name: fields.name as string, description: fields.description }, artifact);
  }

  /** Stores a prepared artifact as version 1 of a new model; the staging directory is always consumed. */
  async createFrom(fields: { name: string; description?: string }, artifact: PreparedArtifact): Promise<ModelView> {
    const name = fields.name;
    try {
      if (await this.repository.findByName(name)) throw this.nameTaken(name);
      const id = randomUUID();
      const now = this.now();
      const version = await this.promote(artifact, id, 1, now);
      const model: ModelEntity = Object.assign(new ModelEntity(), {
        id,
        name,
        description: fields.description ?? '',
        engine: artifact.engine,
        format: artifact.format,
        status: artifact.status,
        statusReason: artifact.status === 'invalid' ? publicReason(artifact.report.errors[0]?.message ?? 'validation failed') : null,
        activeVersion: 1,
        deploymentOverrides: {},
        createdAt: now,
        updatedAt: now,
      });
      try {
        await this.repository.createWithVersion(model, version);
      } catch (error) {
        await this.storage.removeModel(id);
        if (isUniqueViolation(error)) throw this.nameTaken(name);
        throw error;
      }
      this.logger.log({ msg: 'Model uploaded', modelId: id, name, engine: artifact.engine, format: artifact.format, status: artifact.status, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes });
      return toModelView(model, version, 1);
    } finally {
      await this.uploads.discard(artifact);
    }
  }

  async addVersion(id: string, request: FastifyRequest): Promise<VersionView> {
    const model = await this.requireModel(id);
    const active = await this.requireVersion(model.id, model.activeVersion);
    const { artifact } = await this.uploads.receive(request, { requireName: false, defaultConfig: active.config });
    try {
      return await this.locks.run(model.id, async () => {
        if (!(await this.repository.findById(model.id))) throw this.modelNotFound(model.id);
        const number = (await this.repository.maxVersion(model.id)) + 1;
        const now = this.now();
        const version = await this.promote(artifact, model.id, number, now);
        try {
          await this.repository.insertVersion(version, { id: model.id, updatedAt: now });
        } catch (error) {
          await this.storage.removeVersion(model.id, number);
          throw error;
        }
        this.logger.log({ msg: 'Model version uploaded', modelId: model.id, version: number, status: artifact.status, sha256: artifact.sha256 });
        return toVersionView(version, model.activeVersion);
      });
    } finally {
      await this.uploads.discard(artifact);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  validate(id: string): Promise<ModelView> {
    return this.locks.run(id, async () => {
      const model = await this.requireModel(id);
      const version = await this.requireVersion(id, model.activeVersion);
      const artifactPath = this.storage.fromStoredPath(version.artifactPath);
      const result = await this.validator.validate({ format: version.format, path: artifactPath }, version.config.engine).catch((error: unknown) => {
        if (error instanceof ModelConfigError) throw invalidConfig(error);
        throw error;
      });
      const status = result.report.ok ? 'validated' : 'invalid';
      await this.repository.updateVersion(id, version.version, { status, validation: result.report, signature: result.signature ?? version.signature });
      if (!DEPLOYED_STATES.includes(model.status)) {
        await this.repository.update(id, { status, statusReason: result.report.ok ? null : publicReason(result.report.errors[0]?.message ?? 'validation failed'), updatedAt: this.now() });
      }
      return this.view(await this.requireModel(id), true);
    });
  }

  deploy(id: string, overrides?: DeploymentOverrides): Promise<ModelView> {
    return this.announced(id, async () => {
      const model = await this.requireModel(id);
      if (DEPLOYED_STATES.includes(model.status)) {
        throw ApiError.conflict('MODEL_ALREADY_DEPLOYED', `Model ${model.name} is already deployed (version ${model.activeVersion}); activate a version to swap`);
      }
      const version = await this.requireVersion(id, model.activeVersion);
      this.requireValid(version);
      const effectiveOverrides = overrides && Object.keys(overrides).length > 0 ? overrides : model.deploymentOverrides;
      const config = configWithOverrides(version.config, effectiveOverrides);
      checkConfig(config, version.signature);
      await this.repository.update(id, { status: 'deploying', statusReason: null, deploymentOverrides: effectiveOverrides, updatedAt: this.now() });
      try {
        await this.serve(model, version, config);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'MEMORY_BUDGET_EXCEEDED') {
          // Nothing is wrong with the model: it stays undeployed, as it was, and the 409 says why.
          await this.repository.update(id, { status: model.status, statusReason: model.statusReason, updatedAt: this.now() });
          throw error;
        }
        const reason = publicReason(error);
        await this.repository.update(id, { status: 'failed', statusReason: reason, updatedAt: this.now() });
        this.logger.warn({ msg: 'Deploy failed', modelId: id, version: version.version, reason: fullReason(error) });
        throw new ApiError(422, 'DEPLOY_FAILED', `Deploying ${model.name} v${version.version} failed: ${reason}`, { reason });
      }
      await this.repository.update(id, { status: 'deployed', statusReason: null, updatedAt: this.now() });
      this.logger.log({ msg: 'Model deployed', modelId: id, version: version.version });
      return this.view(await this.requireModel(id), true);
    });
  }

  undeploy(id: string): Promise<ModelView> {
    return this.announced(id, async () => {
      const model = await this.requireModel(id);
      if (!DEPLOYED_STATES.includes(model.status)) throw ApiError.conflict('MODEL_NOT_DEPLOYED', `Model ${model.name} is not deployed`);
      await this.stopServing(id);
      await this.repository.update(id, { status: 'validated', statusReason: null, updatedAt: this.now() });
      this.logger.log({ msg: 'Model undeployed', modelId: id });
      return this.view(await this.requireModel(id), true);
    });
  }

  /** Its instances kept crashing: the model stops serving and is marked failed with the reason. */
  markCrashed(id: string, reason: string): Promise<boolean> {
    return this.locks.run(id, async () => {
      const model = await this.repository.findById(id);
      if (!model || !DEPLOYED_STATES.includes(model.status)) return false;
      await this.requireDeployer().undeploy(id);
      await this.repository.update(id, { status: 'failed', statusReason: reason.slice(0, 2000), updatedAt: this.now() });
      this.logger.error({ msg: 'Model failed after repeated engine crashes', modelId: id, reason });
      return true;
    });
  }

  /** Unloads a deployed on-demand model's instances; it stays deployed and its next request loads it again. */
  unload(id: string): Promise<ModelView> {
    return this.locks.run(id, async () => {
      const model = await this.requireModel(id);
      if (!DEPLOYED_STATES.includes(model.status)) throw ApiError.conflict('MODEL_NOT_DEPLOYED', `Model ${model.name} is not deployed`);
      const unloaded = await this.requireDeployer().unload(id);
      if (unloaded) this.logger.log({ msg: 'Model unloaded by hand', modelId: id });
      return this.view(model, true);
    });
  }

  /** Makes `number` the active version; on a deployed model this is a hot swap (rollback = an older number). */
  activate(id: string, number: number): Promise<ModelView> {
    return this.announced(id, async () => {
      const model = await this.requireModel(id);
      const version = await this.repository.findVersion(id, number);
      if (!version) throw ApiError.notFound('VERSION_NOT_FOUND', `Model ${model.name} has no version ${number}`);
      this.requireValid(version);
      if (number === model.activeVersion && model.status !== 'failed' && model.status !== 'invalid') return this.view(model, true);
      const identity = { activeVersion: number, engine: version.engine, format: version.format };
      if (model.status === 'deployed') {
        const config = configWithOverrides(version.config, model.deploymentOverrides);
        checkConfig(config, version.signature);
        try {
          await this.serve(model, version, config);
        } catch (error) {
          const reason = publicReason(error);
          this.logger.warn({ msg: 'Hot swap failed; the previous version keeps serving', modelId: id, from: model.activeVersion, to: number, reason: fullReason(error) });
          throw new ApiError(422, 'DEPLOY_FAILED', `Swapping ${model.name} to v${number} failed; v${model.activeVersion} keeps serving: ${reason}`, { reason, servingVersion: model.activeVersion });
        }
        await this.repository.update(id, { ...identity, updatedAt: this.now() });
        this.logger.log({ msg: 'Model version swapped', modelId: id, from: model.activeVersion, to: number });
      } else {
        await this.repository.update(id, { ...identity, status: 'validated', statusReason: null, updatedAt: this.now() });
      }
      return this.view(await this.requireModel(id), true);
    });
  }

  update(id: string, patch: ModelPatch): Promise<ModelView> {
    return this.announced(id, async () => {
      const model = await this.requireModel(id);
      const changes: Partial<ModelEntity> = {};
      const name = modelNameOf(patch.name, false);
      if (name !== undefined && name !== model.name) {
        const holder = await this.repository.findByName(name);
        if (holder && holder.id !== id) throw this.nameTaken(name);
        changes.name = name;
      }
      const description = descriptionOf(patch.description);
      if (description !== undefined) changes.description = description;
      if (patch.config !== undefined) {
        const version = await this.requireVersion(id, model.activeVersion);
        let config: ModelConfig;
        try {
          config = parseModelConfig(patch.config);
        } catch (error) {
          if (error instanceof ModelConfigError) throw invalidConfig(error);
          throw error;
        }
        const effective = configWithOverrides(config, model.deploymentOverrides);
        checkConfig(effective, version.signature);
        if (model.status === 'deployed') {
          try {
            await this.reconfigureServing(id, effective);
          } catch (error) {
            this.logger.warn({ msg: 'Reconfigure failed; the old config stays in force', modelId: id, reason: fullReason(error) });
            const reason = publicReason(error);
            throw new ApiError(422, 'RECONFIGURE_FAILED', `Applying the new config failed; the old config stays in force: ${reason}`, { reason });
          }
        }
        await this.repository.updateVersion(id, version.version, { config });
      }
      changes.updatedAt = this.now();
      try {
        await this.repository.update(id, changes);
      } catch (error) {
        if (isUniqueViolation(error)) throw this.nameTaken(changes.name ?? '');
        throw error;
      }
      if (changes.name !== undefined) this.deployer?.renamed(id, changes.name);
      return this.view(await this.requireModel(id), true);
    });
  }

  remove(id: string, force: boolean): Promise<void> {
    return this.announced(id, async () => {
      const model = await this.requireModel(id);
      const serving = DEPLOYED_STATES.includes(model.status) || this.deployer?.deployedVersion(id) !== undefined;
      if (serving) {
        if (!force) throw ApiError.conflict('MODEL_DEPLOYED', `Model ${model.name} is deployed; undeploy it first or pass ?force=true`);
        await this.stopServing(id);
      }
      // Rows first: a crash before the files go leaves only an orphan directory, which boot removes.
      await this.repository.delete(id);
      await this.storage.removeModel(id);
      await this.metrics?.forgetModel(id);
      this.logger.log({ msg: 'Model deleted', modelId: id, name: model.name });
    });
  }

  /**
   * Boot: deploys again every model that was deployed (or mid-deploy) when the process stopped.
   * A model that fails becomes `failed` with its reason; the others still come up.
   */
  async restoreDeployed(onFailure?: (model: ModelEntity, reason: string) => Promise<void>): Promise<{ restored: string[]; failed: string[] }> {
    const outcome = { restored: [] as string[], failed: [] as string[] };
    for (const candidate of await this.repository.findByStatus(DEPLOYED_STATES)) {
      await this.locks.run(candidate.id, async () => {
        const model = await this.repository.findById(candidate.id);
        if (!model || !DEPLOYED_STATES.includes(model.status)) return;
        try {
          const version = await this.requireVersion(model.id, model.activeVersion);
          this.requireValid(version);
          const config = configWithOverrides(version.config, model.deploymentOverrides);
          await this.repository.update(model.id, { status: 'deploying', updatedAt: this.now() });
          await this.serve(model, version, config);
          await this.repository.update(model.id, { status: 'deployed', statusReason: null, updatedAt: this.now() });
          outcome.restored.push(model.id);
        } catch (error) {
          const reason = `restore at start-up failed: ${publicReason(error)}`;
          await this.repository.update(model.id, { status: 'failed', statusReason: reason, updatedAt: this.now() });
          outcome.failed.push(model.id);
          this.logger.error({ msg: 'Could not restore a deployed model', modelId: model.id, name: model.name, reason: fullReason(error) });
          await onFailure?.(model, reason);
        }
      });
    }
    return outcome;
  }

  /**
   * Makes what this process serves for `id` match the database, writing nothing: the model is
   * served at its active version with its current config when its status is `deployed`, and not
   * served when it is gone or undeployed. A model mid-deploy is left to the replica deploying it,
   * which announces the outcome. Used when another replica announced a change, by the periodic
   * reconcile, and at boot of a replica that joins a shared database.
   */
  converge(id: string): Promise<ConvergeOutcome> {
    return this.locks.run(id, async () => {
      const deployer = this.requireDeployer();
      const model = await this.repository.findById(id);
      const servingVersion = deployer.deployedVersion(id);
      if (!model || !DEPLOYED_STATES.includes(model.status)) {
        if (servingVersion !== undefined) await this.stopServing(id);
        // Deleted on another replica: drop what this one measured for it too.
        if (!model) await this.metrics?.forgetModel(id);
        return servingVersion === undefined ? 'unchanged' : 'undeployed';
      }
      if (model.status !== 'deployed') return 'unchanged';
      const version = await this.requireVersion(id, model.activeVersion);
      const config = configWithOverrides(version.config, model.deploymentOverrides);
      if (servingVersion !== model.activeVersion) {
        await this.serve(model, version, config);
        return 'deployed';
      }
      deployer.renamed(id, model.name);
      if (this.appliedConfigs.get(id) === JSON.stringify(config)) return 'unchanged';
      await this.reconfigureServing(id, config);
      return 'reconfigured';
    });
  }

  // ------------------------------------------------------------------ helpers

  /** Runs a change under the model's lock, then tells the other replicas (whatever the outcome: a failure may have changed the status too). */
  private announced<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(id, work).finally(() => void this.events?.publish({ type: 'model', modelId: id }));
  }

  /** Loads a version after checking its stored artifact is the one that was uploaded. */
  private async serve(model: ModelEntity, version: ModelVersionEntity, config: ModelConfig): Promise<void> {
    const spec = this.specFor(model, version, config);
    await this.verifyArtifact(version, spec.artifact.path);
    await this.requireDeployer().deploy(spec);
    this.appliedConfigs.set(spec.modelId, JSON.stringify(spec.config));
  }

  /**
   * The model store may be a volume shared by several replicas (MODEL_STORE_DIR): a file changed,
   * truncated or half-copied there must never be loaded. Versions stored before artifact digests
   * existed (artifactSha256 null) are loaded unchecked.
   */
  private async verifyArtifact(version: ModelVersionEntity, path: string): Promise<void> {
    const expected = version.artifactSha256;
    if (!expected) return;
    let actual: string;
    try {
      actual = await this.storage.digest(path);
    } catch (error) {
      throw new ApiError(422, 'ARTIFACT_MISSING', `The stored artifact of version ${version.version} cannot be read: ${publicReason(error)}`);
    }
    if (actual !== expected) {
      this.logger.error({ msg: 'Refused to load a corrupted artifact', modelId: version.modelId, version: version.version, expected, actual });
      throw new ApiError(422, 'ARTIFACT_CORRUPTED', `The stored artifact of version ${version.version} does not match its sha256 (corrupted or changed in the model store); upload it again`);
    }
  }

  private async reconfigureServing(id: string, config: ModelConfig): Promise<void> {
    await this.requireDeployer().reconfigure(id, config);
    this.appliedConfigs.set(id, JSON.stringify(config));
  }

  private async stopServing(id: string): Promise<void> {
    await this.requireDeployer().undeploy(id);
    this.appliedConfigs.delete(id);
  }

  private async promote(artifact: PreparedArtifact, modelId: string, version: number, now: string): Promise<ModelVersionEntity> {
    const versionDir = await this.storage.promote(artifact.stagingDir, modelId, version);
    return Object.assign(new ModelVersionEntity(), {
      modelId,
      version,
      status: artifact.status,
      engine: artifact.engine,
      format: artifact.format,
      artifactPath: this.storage.toStoredPath(join(versionDir, artifact.artifactRelative)),
      originalName: artifact.originalName,
      sha256: artifact.sha256,
      artifactSha256: artifact.artifactSha256,
      sizeBytes: artifact.sizeBytes,
      signature: artifact.signature,
      validation: artifact.report,
      config: artifact.config,
      createdAt: now,
    });
  }

  private specFor(model: ModelEntity, version: ModelVersionEntity, config: ModelConfig): DeploymentSpec {
    if (!version.signature) throw ApiError.conflict('MODEL_NOT_VALID', `Version ${version.version} has no signature; validate it first`);
    return {
      modelId: model.id,
      modelName: model.name,
      version: version.version,
      engine: version.engine,
      artifact: { format: version.format, path: this.storage.fromStoredPath(version.artifactPath) },
      // The upload's sha256 for versions stored before artifact digests existed: it names the same content.
      artifactSha256: version.artifactSha256 ?? version.sha256,
      signature: version.signature,
      config,
    };
  }

  private requireValid(version: ModelVersionEntity): void {
    if (version.status !== 'validated') {
      throw ApiError.conflict('MODEL_NOT_VALID', `Version ${version.version} did not pass validation: ${version.validation.errors[0]?.message ?? 'invalid'}`, { version: version.version, errors: version.validation.errors });
    }
  }

  private requireDeployer(): ModelDeployer {
    if (!this.deployer) throw new ApiError(503, 'SERVING_UNAVAILABLE', 'The serving runtime is not available');
    return this.deployer;
  }

  private async requireModel(id: string): Promise<ModelEntity> {
    const model = await this.repository.findById(id);
    if (!model) throw this.modelNotFound(id);
    return model;
  }

  private async requireVersion(id: string, number: number): Promise<ModelVersionEntity> {
    const version = await this.repository.findVersion(id, number);
    if (!version) throw ApiError.notFound('VERSION_NOT_FOUND', `Model ${id} has no version ${number}`);
    return version;
  }

  private async view(model: ModelEntity, withVersions = false): Promise<ModelView> {
    const versions = await this.repository.listVersions(model.id);
    const active = versions.find((version) => version.version === model.activeVersion);
    if (!active) throw new Error(`model ${model.id} has no row for its active version ${model.activeVersion}`);
    const latest = versions.reduce((max, version) => Math.max(max, version.version), 0);
    return toModelView(model, active, latest, withVersions ? versions : undefined, this.deployer?.residencyOf(model.id));
  }

  private modelNotFound(id: string): ApiError {
    return ApiError.notFound('MODEL_NOT_FOUND', `No model with id ${String(id).slice(0, 64)}`);
  }

  private nameTaken(name: string): ApiError {
    return ApiError.conflict('MODEL_NAME_TAKEN', `A model named "${name}" already exists`);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
