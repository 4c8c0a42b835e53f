import { Global, Module } from '@nestjs/common';
import { ModelStoreCatalog } from '../models/model-store-catalog.js';
import { PublicModelCatalog } from './public-model-catalog.js';

@Global()
@Module({
  providers: [{ provide: PublicModelCatalog, useClass: ModelStoreCatalog }],
  exports: [PublicModelCatalog],
})
export class CatalogModule {}
