import { SerialTransactions } from '../../src/database/serial-transactions.js';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasesUnderTest } from '../helpers/test-databases.js';
import { ModelStoreCatalog } from '../../src/models/model-store-catalog.js';
import { ModelEntity, ModelStatus, ModelVersionEntity } from '../../src/models/model.entity.js';
import { ModelRepository } from '../../src/models/model.repository.js';

const SIGNATURE = { inputs: [{ name: 'input', dtype: 'float32' as const, shape: ['batch', 3, 8, 8] }], outputs: [{ name: 'out', dtype: 'float32' as const, shape: ['batch', 2] }] };

function model(id: string, name: string, status: ModelStatus, extra: Partial<ModelEntity> = {}): ModelEntity {
  return Object.assign(new ModelEntity(), {
    id,
    name,
    description: '',
    engine: 'onnxruntime',
    format: 'onnx',
    status,
    statusReason: null,
    activeVersion: 1,
    deploymentOverrides: {},
    createdAt: `2026-01-01T00:00:0${id.length % 10}.000Z`,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  });
}

function version(modelId: string, number: number, extra: Partial<ModelVersionEntity> = {}): ModelVersionEntity {
  return Object.assign(new ModelVersionEntity(), {
    modelId,
    version: number,
    status: 'validated',
    engine: 'onnxruntime',
    format: 'onnx',
    artifactPath: `${modelId}/v${number}/model.onnx`,
    originalName: 'm.onnx',
    sha256: 'a'.repeat(64),
    sizeBytes: 10,
    signature: SIGNATURE,
    validation: { ok: true, errors: [], warnings: [] },
    config: { task: 'classification' },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  });
}

for (const database of databasesUnderTest()) describe(`model repository and public catalog on ${database.name} (migrations applied)`, () => {
  let close: () => Promise<void>;
  let dataSource: DataSource;
  let repository: ModelRepository;
  let catalog: ModelStoreCatalog;

  beforeAll(async () => {
    ({ dataSource, close } = await database.open([ModelEntity, ModelVersionEntity]));
    repository = new ModelRepository(dataSource.getRepository(ModelEntity), dataSource.getRepository(ModelVersionEntity), new SerialTransactions(dataSource));
    catalog = new ModelStoreCatalog(dataSource);
    await Promise.all([
      repository.createWithVersion(model('m-deployed', 'resnet', 'deployed', { description: 'image classifier 100%' }), version('m-deployed', 1)),
      repository.createWithVersion(model('m-valid', 'yolo_small', 'validated', { engine: 'tensorflow', format: 'tfjs' }), version('m-valid', 1)),
      repository.createWithVersion(model('m-bad', 'broken', 'invalid'), version('m-bad', 1, { status: 'invalid', signature: null })),
    ]);
  });

  afterAll(async () => {
    await close?.();
  });

  it('creates models concurrently (store transactions take turns on the one connection)', async () => {
    expect((await repository.list({ limit: 50, offset: 0 })).total).toBe(3);
  });

  it('filters by status and engine, and searches name/description literally', async () => {
    expect((await repository.list({ status: 'deployed', limit: 50, offset: 0 })).items.map((m) => m.id)).toEqual(['m-deployed']);
    expect((await repository.list({ engine: 'tensorflow', limit: 50, offset: 0 })).items.map((m) => m.id)).toEqual(['m-valid']);
    // % and _ are matched as characters, not wildcards.
    expect((await repository.list({ search: '100%', limit: 50, offset: 0 })).items.map((m) => m.id)).toEqual(['m-deployed']);
    expect((await repository.list({ search: 'o_s', limit: 50, offset: 0 })).items.map((m) => m.id)).toEqual(['m-valid']);
    expect((await repository.list({ search: 'r%t', limit: 50, offset: 0 })).total).toBe(0);
    const page = await repository.list({ limit: 2, offset: 2 });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
  });

  it('refuses a second model with the same name', async () => {
    await expect(repository.createWithVersion(model('m-dup', 'resnet', 'validated'), version('m-dup', 1))).rejects.toThrow(/UNIQUE|duplicate key/);
    expect(await repository.findById('m-dup')).toBeNull();
  });

  it('numbers versions, knows which exist, and deletes a model with its versions', async () => {
    await repository.insertVersion(version('m-valid', 2), { id: 'm-valid', updatedAt: '2026-02-01T00:00:00.000Z' });
    expect(await repository.maxVersion('m-valid')).toBe(2);
    expect(await repository.maxVersion('nobody')).toBe(0);
    const known = await repository.knownVersions();
    expect([...(known.get('m-valid') ?? [])].sort()).toEqual([1, 2]);
    expect((await repository.findById('m-valid'))?.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    await repository.delete('m-valid');
    expect(await repository.findById('m-valid')).toBeNull();
    expect(await repository.listVersions('m-valid')).toEqual([]);
  });

  it('exposes only deployed models in the public catalog, without internals', async () => {
    const listed = await catalog.listDeployed();
    expect(listed).toEqual([{ id: 'm-deployed', name: 'resnet', engine: 'onnxruntime', version: 1, signature: SIGNATURE, task: 'classification' }]);
    expect(await catalog.findDeployed('resnet')).toEqual(listed[0]);
    expect(await catalog.findDeployed('m-deployed')).toEqual(listed[0]);
    expect(await catalog.findDeployed('broken')).toBeNull();
    expect(await catalog.findDeployed('')).toBeNull();
    expect(await catalog.resolveId('broken')).toBe('m-bad');
    expect(await catalog.resolveId('nothing')).toBeNull();
  });
});
