import { Global, Module } from '@nestjs/common';
import { ModelNameIndex } from '../models/model-name-index.js';
import { ModelStoreCatalog } from '../models/model-store-catalog.js';
import { PublicModelCatalog } from './public-model-catalog.js';

@Global()
@Module({
  providers: [ModelNameIndex, { provide: PublicModelCatalog, useClass: ModelStoreCatalog }],
  exports: [PublicModelCatalog, ModelNameIndex],
})
export class CatalogModule {}
