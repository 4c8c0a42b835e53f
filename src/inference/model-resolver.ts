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
    // An id wins over a name, so a deployed model's id needs no catalog lookup at all.
    const direct = this.deployments.get(idOrName);
    if (direct) return direct;
    const id = await this.catalog.resolveId(idOrName);
    if (!id) throw ApiError.notFound('MODEL_NOT_FOUND', `No model "${idOrName}"`);
    const deployment = this.deployments.get(id);
    if (!deployment) throw ApiError.conflict('MODEL_NOT_DEPLOYED', `Model "${idOrName}" is not deployed`);
    return deployment;
  }
}
