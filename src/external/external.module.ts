import { Module } from '@nestjs/common';
import { ExternalModelsController } from './external-models.controller.js';
import { ExternalModelsService } from './external-models.service.js';

@Module({ controllers: [ExternalModelsController], providers: [ExternalModelsService] })
export class ExternalModule {}
