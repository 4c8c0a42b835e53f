import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { DeploymentSpec, ModelDeployer } from '../serving/model-deployer.js';
import type { ModelFileStorage } from '../storage/model-file-storage.js';
import type { ArtifactValidator } from './artifact-validator.js';
import type { ModelConfig } from './model-config.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { ModelLocks } from './model-locks.js';
import type { ModelUploadService } from './model-upload.service.js';
import { configWithOverrides } from './model-view.js';
import { ModelEntity, ModelVersionEntity, type ModelStatus } from './model.entity.js';
import type { ModelRepository } from './model.repository.js';

const SIGNATURE = { inputs: [{ name: 'x', dtype: 'float32' as const, shape: ['batch', 4] }], outputs: [{ name: 'y', dtype: 'float32' as const, shape: ['batch', 4] }] };

class FakeRepository {
  models = new Map<string, ModelEntity>();
  versions = new Map<string, ModelVersionEntity>();
  async findById(id: string) {
    const found = this.models.get(id);
    return found ? { ...found } : null;
  }
  async findByName(name: string) {
    return [...this.models.values()].find((model) => model.name === name) ?? null;
  }
  async findByStatus(statuses: ModelStatus[]) {
    return [...this.models.values()].filter((model) => statuses.includes(model.status));
  }
  async update(id: string, changes: Partial<ModelEntity>) {
    Object.assign(this.models.get(id)!, changes);
  }
  async findVersion(id: string, version: number) {
    return this.versions.get(`${id}:${version}`) ?? null;
  }
  async listVersions(id: string) {
    return [...this.versions.values()].filter((version) => version.modelId === id);
  }
  async delete(id: string) {
    this.models.delete(id);
  }
}

class FakeDeployer {
  deployed = new Map<string, number>();
  failVersions = new Set<number>();
  specs: DeploymentSpec[] = [];
  overBudget = false;
  async deploy(spec: DeploymentSpec) {
    this.specs.push(spec);
    if (this.overBudget) throw ApiError.conflict('MEMORY_BUDGET_EXCEEDED', 'no room', { neededBytes: 2, freeBytes: 1 });
    if (this.failVersions.has(spec.version)) throw new Error(`cannot load v${spec.version}`);
    this.deployed.set(spec.modelId, spec.version);
  }
  async undeploy(id: string) {
    this.deployed.delete(id);
  }
  async reconfigure() {}
  renamed() {}
  deployedVersion(id: string) {
    return this.deployed.get(id);
  }
  async unload() {
    return true;
  }
  residencyOf(id: string) {
    return this.deployed.has(id) ? { loaded: true, memoryBytes: 1234, lastUsedAt: null, lastColdStartMs: null, lastColdStartAt: null } : undefined;
  }
}

function setup(status: ModelStatus = 'validated') {
  const repository = new FakeRepository();
  const deployer = new FakeDeployer();
  const model = Object.assign(new ModelEntity(), {
    id: 'm1',
    name: 'adder',
    description: '',
    engine: 'onnxruntime',
    format: 'onnx',
    status,
    statusReason: null,
    activeVersion: 1,
    deploymentOverrides: { instances: 2 },
    createdAt: 't',
    updatedAt: 't',
  });
  repository.models.set('m1', model);
  for (const number of [1, 2, 3]) {
    repository.versions.set(
      `m1:${number}`,
      Object.assign(new ModelVersionEntity(), {
        modelId: 'm1',
        version: number,
        status: number === 3 ? 'invalid' : 'validated',
        engine: 'onnxruntime',
        format: 'onnx',
        artifactPath: `m1/v${number}/model.onnx`,
        signature: number === 3 ? null : SIGNATURE,
        validation: number === 3 ? { ok: false, errors: [{ code: 'MODEL_UNREADABLE', message: 'bad' }], warnings: [] } : { ok: true, errors: [], warnings: [] },
        config: { batching: { maxBatchSize: 4, maxQueueDelayMs: 1 } } satisfies ModelConfig,
        sha256: 'x',
        sizeBytes: 1,
        originalName: 'm.onnx',
        createdAt: 't',
      }),
    );
  }
  const storage = { fromStoredPath: (path: string) => `/data/models/${path}`, removeModel: async () => undefined, digest: async () => 'x' } as unknown as ModelFileStorage;
  const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') } as Clock;
  const service = new ModelLifecycleService(
    repository as unknown as ModelRepository,
    storage,
    {} as ModelUploadService,
    {} as ArtifactValidator,
    new ModelLocks(),
    clock,
    deployer as unknown as ModelDeployer,
  );
  return { service, repository, deployer };
}

async function codeOf(work: Promise<unknown>): Promise<[number, string]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ApiError) return [error.getStatus(), error.code];
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('configWithOverrides', () => {
  it('merges batching and queue field by field and replaces instances', () => {
    expect(configWithOverrides({ task: 'raw', batching: { maxBatchSize: 4, maxQueueDelayMs: 1 }, instances: 1 }, { batching: { maxBatchSize: 16 }, instances: 3 })).toEqual({
      task: 'raw',
      batching: { maxBatchSize: 16, maxQueueDelayMs: 1 },
      instances: 3,
    });
    expect(configWithOverrides({ queue: { maxSize: 5 } }, {})).toEqual({ queue: { maxSize: 5 } });
  });
});

describe('ModelLifecycleService', () => {
  it('deploys with the stored overrides merged into the spec', async () => {
    const { service, deployer, repository } = setup();
    const view = await service.deploy('m1');
    expect(view.status).toBe('deployed');
    expect(deployer.specs[0]).toMatchObject({ modelId: 'm1', version: 1, artifact: { format: 'onnx', path: '/data/models/m1/v1/model.onnx' }, config: { instances: 2, batching: { maxBatchSize: 4 } } });
    expect(repository.models.get('m1')?.status).toBe('deployed');
  });

  it('marks the model failed with the reason when loading fails', async () => {
    const { service, deployer, repository } = setup();
    deployer.failVersions.add(1);
    expect(await codeOf(service.deploy('m1'))).toEqual([422, 'DEPLOY_FAILED']);
    expect(repository.models.get('m1')).toMatchObject({ status: 'failed', statusReason: 'cannot load v1' });
    // A retry after the cause is gone succeeds.
    deployer.failVersions.clear();
    expect((await service.deploy('m1')).status).toBe('deployed');
  });

  it('refuses a deploy beyond the memory budget with 409 and leaves the model as it was, not failed', async () => {
    const { service, deployer, repository } = setup();
    deployer.overBudget = true;
    expect(await codeOf(service.deploy('m1'))).toEqual([409, 'MEMORY_BUDGET_EXCEEDED']);
    expect(repository.models.get('m1')).toMatchObject({ status: 'validated', statusReason: null });
    deployer.overBudget = false;
    const deployed = await service.deploy('m1');
    expect(deployed).toMatchObject({ status: 'deployed', loaded: true, memoryBytes: 1234 });
  });

  it('keeps the old version active and deployed when a swap fails', async () => {
    const { service, deployer, repository } = setup();
    await service.deploy('m1');
    deployer.failVersions.add(2);
    expect(await codeOf(service.activate('m1', 2))).toEqual([422, 'DEPLOY_FAILED']);
    expect(repository.models.get('m1')).toMatchObject({ status: 'deployed', activeVersion: 1 });
    expect(deployer.deployedVersion('m1')).toBe(1);
  });

  it('refuses invalid and unknown versions', async () => {
    const { service } = setup();
    expect(await codeOf(service.activate('m1', 3))).toEqual([409, 'MODEL_NOT_VALID']);
    expect(await codeOf(service.activate('m1', 9))).toEqual([404, 'VERSION_NOT_FOUND']);
  });

  it('only switches the active version of a model that is not deployed', async () => {
    const { service, deployer } = setup('failed');
    const view = await service.activate('m1', 2);
    expect(view).toMatchObject({ activeVersion: 2, status: 'validated' });
    expect(deployer.specs).toEqual([]);
  });

  it('undeploys before a forced delete and refuses an unforced one', async () => {
    const { service, deployer, repository } = setup();
    await service.deploy('m1');
    expect(await codeOf(service.remove('m1', false))).toEqual([409, 'MODEL_DEPLOYED']);
    await service.remove('m1', true);
    expect(deployer.deployedVersion('m1')).toBeUndefined();
    expect(repository.models.has('m1')).toBe(false);
  });

  it('restores deployed models at boot and marks the ones that cannot load as failed', async () => {
    const { service, deployer, repository } = setup('deployed');
    deployer.failVersions.add(1);
    const failures: string[] = [];
    const outcome = await service.restoreDeployed(async (model, reason) => {
      failures.push(`${model.id}: ${reason}`);
    });
    expect(outcome).toEqual({ restored: [], failed: ['m1'] });
    expect(repository.models.get('m1')?.status).toBe('failed');
    expect(failures).toEqual(['m1: restore at start-up failed: cannot load v1']);
  });

  it('serialises concurrent operations on one model', async () => {
    const { service, deployer } = setup();
    const results = await Promise.allSettled([service.deploy('m1'), service.deploy('m1')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(deployer.specs).toHaveLength(1);
  });
});
