import { basename, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { ModelFileStorage } from '../storage/model-file-storage.js';
import { ModelLifecycleService } from './model-lifecycle.service.js';
import { ModelUploadService } from './model-upload.service.js';
import type { ModelView } from './model-view.js';
import { SampleModelFiles } from './sample-model.files.js';
import { SAMPLE_MODEL } from './sample-model.js';

/**
 * "Add a sample model": copies the pretrained detector that a runtime dependency ships into the
 * model store through the same validation as an upload, already configured, so a newcomer can
 * try the platform on their own photo without finding a model file first.
 */
@Injectable()
export class SampleModelService {
  constructor(
    private readonly files: SampleModelFiles,
    private readonly storage: ModelFileStorage,
    private readonly uploads: ModelUploadService,
    private readonly lifecycle: ModelLifecycleService,
  ) {}

  async install(): Promise<ModelView> {
    const root = this.files.packageRoot(SAMPLE_MODEL.packageName);
    if (!root) throw new ApiError(503, 'SAMPLE_MODEL_UNAVAILABLE', `The sample model's package ${SAMPLE_MODEL.packageName} is not installed (run npm ci)`);
    const stagingDir = await this.storage.createStagingDir();
    try {
      const modelDir = stagingDir;
      const topology = await this.storage.writeStream(this.files.open(root, SAMPLE_MODEL.topologyFile), join(modelDir, 'model.json'));
      let sizeBytes = topology.sizeBytes;
      let weightsSha256 = '';
      for (const file of SAMPLE_MODEL.weightFiles) {
        const written = await this.storage.writeStream(this.files.open(root, file), join(modelDir, basename(file)));
        sizeBytes += written.sizeBytes;
        weightsSha256 ||= written.sha256;
      }
      const artifact = await this.uploads.prepareStaged(
        { stagingDir, sha256: weightsSha256, sizeBytes, originalName: `${SAMPLE_MODEL.packageName}/${SAMPLE_MODEL.topologyFile}`, format: 'tfjs', artifactPath: modelDir },
        SAMPLE_MODEL.config,
      );
      return await this.lifecycle.createFrom({ name: SAMPLE_MODEL.name, description: SAMPLE_MODEL.description }, artifact);
    } finally {
      await this.storage.removeStaging(stagingDir);
    }
  }
}
