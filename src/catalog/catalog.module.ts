import { Global, Module } from '@nestjs/common';
import { EmptyPublicModelCatalog, PublicModelCatalog } from './public-model-catalog.js';

@Global()
@Module({
  providers: [{ provide: PublicModelCatalog, useClass: EmptyPublicModelCatalog }],
  exports: [PublicModelCatalog],
})
export class CatalogModule {}
