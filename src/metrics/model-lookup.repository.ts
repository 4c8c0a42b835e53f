import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect.js';
import { EmptyPublicModelCatalog, PublicModelCatalog } from '../catalog/public-model-catalog.js';

/**
 * Resolves a model id or name to its id. The model catalog is the authority; while only the empty
 * placeholder catalog is bound, the `models` table is read directly (no table → no models).
 */
@Injectable()
export class ModelLookupRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly catalog?: PublicModelCatalog,
  ) {}

  async resolveId(idOrName: string): Promise<string | null> {
    if (this.catalog && !(this.catalog instanceof EmptyPublicModelCatalog)) return this.catalog.resolveId(idOrName);
    try {
      const rows: Array<{ id: string }> = await this.dataSource.query(new SqlDialect(this.dataSource).positional('SELECT "id" FROM "models" WHERE "id" = ? OR "name" = ? LIMIT 1'), [
        idOrName,
        idOrName,
      ]);
      return rows[0]?.id ?? null;
    } catch {
      return null;
    }
  }
}
