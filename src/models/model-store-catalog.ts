import { Injectable, Optional } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { PublicModelCatalog, PublicModelView } from '../catalog/public-model-catalog.js';
import { ModelEntity, ModelVersionEntity } from './model.entity.js';
import { ModelIdentity, ModelNameIndex } from './model-name-index.js';

/**
 * The public catalog backed by the model store: only deployed models, only what an external
 * caller may see (no paths, hashes, owners or status reasons). Reads through the DataSource so
 * the global catalog module can construct it without importing the models module. Id/name
 * resolution (on every inference request) answers from the name index the model repository keeps
 * exact; without one it queries.
 */
@Injectable()
export class ModelStoreCatalog extends PublicModelCatalog {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly names?: ModelNameIndex,
  ) {
    super();
  }

  async listDeployed(): Promise<PublicModelView[]> {
    const models = await this.dataSource.getRepository(ModelEntity).find({ where: { status: 'deployed' }, order: { name: 'ASC' } });
    return this.views(models);
  }

  async findDeployed(idOrName: string): Promise<PublicModelView | null> {
    const model = await this.lookup(idOrName);
    if (!model || model.status !== 'deployed') return null;
    return (await this.views([model]))[0] ?? null;
  }

  async resolveId(idOrName: string): Promise<string | null> {
    if (!isPlausibleKey(idOrName)) return null;
    if (!this.names) return (await this.lookup(idOrName))?.id ?? null;
    if (!this.names.isLoaded) await this.names.ensureLoaded(() => this.identities());
    return this.names.resolve(idOrName);
  }

  private identities(): Promise<ModelIdentity[]> {
    return this.dataSource.getRepository(ModelEntity).find({ select: { id: true, name: true } });
  }

  private async lookup(idOrName: string): Promise<ModelEntity | null> {
    if (!isPlausibleKey(idOrName)) return null;
    const repository = this.dataSource.getRepository(ModelEntity);
    return (await repository.findOneBy({ id: idOrName })) ?? (await repository.findOneBy({ name: idOrName }));
  }

  private async views(models: ModelEntity[]): Promise<PublicModelView[]> {
    if (models.length === 0) return [];
    const versions = await this.dataSource.getRepository(ModelVersionEntity).find({ where: { modelId: In(models.map((model) => model.id)) } });
    const active = new Map(versions.map((version) => [`${version.modelId}:${version.version}`, version]));
    return models.flatMap((model) => {
      const version = active.get(`${model.id}:${model.activeVersion}`);
      if (!version?.signature) return [];
      const strip = (specs: typeof version.signature.inputs) => specs.map(({ name, dtype, shape }) => ({ name, dtype, shape: [...shape] }));
      return [
        {
          id: model.id,
          name: model.name,
          engine: model.engine,
          version: model.activeVersion,
          signature: { inputs: strip(version.signature.inputs), outputs: strip(version.signature.outputs) },
          task: version.config.task ?? 'raw',
        },
      ];
    });
  }
}

function isPlausibleKey(idOrName: unknown): idOrName is string {
  return typeof idOrName === 'string' && idOrName.length > 0 && idOrName.length <= 128;
}
