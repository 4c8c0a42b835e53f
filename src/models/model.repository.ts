import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { SerialTransactions } from '../database/serial-transactions.js';
import { SqlDialect } from '../database/sql-dialect.js';
import { ModelEntity, ModelStatus, ModelVersionEntity } from './model.entity.js';
import { ModelNameIndex } from './model-name-index.js';

export interface ModelListFilter {
  status?: ModelStatus;
  engine?: string;
  search?: string;
  limit: number;
  offset: number;
}

/**
 * Every database access of the model store. Writes that change a model's id or name go through
 * the name index too, so the request path's id/name resolution can never miss a change.
 */
@Injectable()
export class ModelRepository {
  constructor(
    @InjectRepository(ModelEntity) private readonly models: Repository<ModelEntity>,
    @InjectRepository(ModelVersionEntity) private readonly versions: Repository<ModelVersionEntity>,
    private readonly transactions: SerialTransactions,
    private readonly names: ModelNameIndex = new ModelNameIndex(),
  ) {}

  findById(id: string): Promise<ModelEntity | null> {
    return this.models.findOneBy({ id });
  }

  findByName(name: string): Promise<ModelEntity | null> {
    return this.models.findOneBy({ name });
  }

  findByStatus(statuses: ModelStatus[]): Promise<ModelEntity[]> {
    return this.models.find({ where: { status: In(statuses) }, order: { createdAt: 'ASC' } });
  }

  async list(filter: ModelListFilter): Promise<{ items: ModelEntity[]; total: number }> {
    const query = this.models.createQueryBuilder('model');
    if (filter.status) query.andWhere('model.status = :status', { status: filter.status });
    if (filter.engine) query.andWhere('model.engine = :engine', { engine: filter.engine });
    if (filter.search) {
      const pattern = `%${filter.search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const like = new SqlDialect(this.models.manager.connection).like;
      query.andWhere(`(model.name ${like} :pattern ESCAPE '\\' OR model.description ${like} :pattern ESCAPE '\\')`, { pattern });
    }
    const [items, total] = await query.orderBy('model.createdAt', 'DESC').addOrderBy('model.id', 'ASC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }

  /** A new model and its first version, in one transaction. */
  async createWithVersion(model: ModelEntity, version: ModelVersionEntity): Promise<void> {
    await this.names.write(
      () =>
        this.transactions.run(async (manager) => {
          await manager.insert(ModelEntity, model);
          await manager.insert(ModelVersionEntity, version);
        }),
      () => this.names.added({ id: model.id, name: model.name }),
    );
  }

  async insertVersion(version: ModelVersionEntity, touch: { id: string; updatedAt: string }): Promise<void> {
    await this.transactions.run(async (manager) => {
        await manager.insert(ModelVersionEntity, version);
        await manager.update(ModelEntity, { id: touch.id }, { updatedAt: touch.updatedAt });
    });
  }

  async update(id: string, changes: Partial<ModelEntity>): Promise<void> {
    const { name } = changes;
    if (name === undefined) {
      await this.models.update({ id }, changes);
      return;
    }
    await this.names.write(
      () => this.models.update({ id }, changes),
      () => this.names.renamed(id, name),
    );
  }

  async updateVersion(modelId: string, version: number, changes: Partial<ModelVersionEntity>): Promise<void> {
    await this.versions.update({ modelId, version }, changes);
  }

  findVersion(modelId: string, version: number): Promise<ModelVersionEntity | null> {
    return this.versions.findOneBy({ modelId, version });
  }

  listVersions(modelId: string): Promise<ModelVersionEntity[]> {
    return this.versions.find({ where: { modelId }, order: { version: 'ASC' } });
  }

  async maxVersion(modelId: string): Promise<number> {
    const row = await this.versions.createQueryBuilder('v').select('MAX(v.version)', 'max').where('v.modelId = :modelId', { modelId }).getRawOne<{ max: number | null }>();
    return row?.max ?? 0;
  }

  async delete(id: string): Promise<void> {
    await this.names.write(
      () =>
        this.transactions.run(async (manager) => {
          await manager.delete(ModelVersionEntity, { modelId: id });
          await manager.delete(ModelEntity, { id });
        }),
      () => this.names.removed(id),
    );
  }


  /** modelId → versions that have rows; boot cleanup keeps exactly these directories. */
  async knownVersions(): Promise<Map<string, Set<number>>> {
    const rows = await this.versions.find({ select: { modelId: true, version: true } });
    const known = new Map<string, Set<number>>();
    for (const model of await this.models.find({ select: { id: true } })) known.set(model.id, new Set());
    for (const row of rows) known.get(row.modelId)?.add(row.version);
    return known;
  }
}
