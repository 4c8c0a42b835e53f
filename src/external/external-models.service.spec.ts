import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../auth/auth.types.js';
import { PublicModelCatalog, PublicModelView } from '../catalog/public-model-catalog.js';
import { ApiError } from '../common/api-error.js';
import { ExternalModelsService } from './external-models.service.js';

const model = (id: string, name: string): PublicModelView => ({
  id,
  name,
  engine: 'onnxruntime',
  version: 1,
  signature: { inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }], outputs: [{ name: 'probs', dtype: 'float32', shape: ['batch', 1000] }] },
  task: 'classification',
});

class FixedCatalog extends PublicModelCatalog {
  constructor(private readonly models: PublicModelView[]) {
    super();
  }
  async listDeployed() {
    return this.models;
  }
  async findDeployed(idOrName: string) {
    return this.models.find((entry) => entry.id === idOrName || entry.name === idOrName) ?? null;
  }
  async resolveId(idOrName: string) {
    return (await this.findDeployed(idOrName))?.id ?? null;
  }
}

const tokenAllowing = (allowedModels: string[]): AuthContext => ({ kind: 'accessToken', token: { id: 't', name: 't', allowedModels } });

describe('ExternalModelsService', () => {
  const service = new ExternalModelsService(new FixedCatalog([model('id-a', 'alpha'), model('id-b', 'beta')]));

  it('lists only the models the token may use', async () => {
    expect((await service.list(tokenAllowing(['*']))).items.map((entry) => entry.id)).toEqual(['id-a', 'id-b']);
    expect((await service.list(tokenAllowing(['id-b', 'gone']))).items.map((entry) => entry.id)).toEqual(['id-b']);
  });

  it('describes an allowed model by id or name', async () => {
    expect(await service.get(tokenAllowing(['id-a']), 'alpha')).toEqual(model('id-a', 'alpha'));
    expect((await service.get(tokenAllowing(['*']), 'id-b')).name).toBe('beta');
  });

  it('answers MODEL_NOT_FOUND and MODEL_NOT_ALLOWED', async () => {
    await expect(service.get(tokenAllowing(['*']), 'nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    const refused = await service.get(tokenAllowing(['id-a']), 'beta').catch((error: ApiError) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('MODEL_NOT_ALLOWED');
  });

  it('refuses to run without an access-token principal', async () => {
    await expect(service.list(undefined)).rejects.toThrow(/without an access token/);
  });
});
