import { Injectable } from '@nestjs/common';
import { PublicModelCatalog } from '../catalog/public-model-catalog.js';
import { ApiError } from '../common/api-error.js';
import { ActiveDeployment, DeploymentManager } from '../serving/deployment-manager.js';

/** Turns a model id or unique name from a URL into its live deployment, or the right 404/409. */
@Injectable()
export class ModelResolver {
  constructor(
    private readonly catalog: PublicModelCatalog,
    private readonly deployments: DeploymentManager,
  ) {}

  async resolve(idOrName: string): Promise<ActiveDeployment> {
    const id = (await this.catalog.resolveId(idOrName)) ?? (this.deployments.get(idOrName) ? idOrName : null);
    if (!id) throw ApiError.notFound('MODEL_NOT_FOUND', `No model "${idOrName}"`);
    const deployment = this.deployments.get(id);
    if (!deployment) throw ApiError.conflict('MODEL_NOT_DEPLOYED', `Model "${idOrName}" is not deployed`);
    return deployment;
  }
}
