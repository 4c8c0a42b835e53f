import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelFileStorage } from '../storage/model-file-storage.js';
import { MultipartUploadReader } from '../storage/multipart-upload-reader.js';
import { SafeZipExtractor } from '../storage/safe-zip-extractor.js';
import { ArtifactValidator } from './artifact-validator.js';
import { EngineArtifactValidator } from './engine-artifact-validator.js';
import { ModelBootService } from './model-boot.service.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { ModelLocks } from './model-locks.js';
import { ModelReconciler } from './model-reconciler.service.js';
import { ModelUploadService } from './model-upload.service.js';
import { ModelEntity, ModelVersionEntity } from './model.entity.js';
import { ModelRepository } from './model.repository.js';
import { ModelsController } from './models.controller.js';
import { SampleModelFiles } from './sample-model.files.js';
import { SampleModelService } from './sample-model.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ModelEntity, ModelVersionEntity])],
  controllers: [ModelsController],
  providers: [
    ModelFileStorage,
    MultipartUploadReader,
    SafeZipExtractor,
    ModelRepository,
    ModelLocks,
    ModelUploadService,
    ModelLifecycleService,
    ModelBootService,
    ModelReconciler,
    SampleModelFiles,
    SampleModelService,
    { provide: ArtifactValidator, useClass: EngineArtifactValidator },
  ],
  exports: [ModelLifecycleService, ModelRepository, ModelFileStorage],
})
export class ModelsModule {}
