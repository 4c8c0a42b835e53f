import { Injectable } from '@nestjs/common';
import type { AccessTokenPrincipal, AuthContext } from '../auth/auth.types.js';
import { PublicModelCatalog, PublicModelView } from '../catalog/public-model-catalog.js';
import { ApiError } from '../common/api-error.js';

function allows(token: AccessTokenPrincipal, model: PublicModelView): boolean {
  return token.allowedModels.includes('*') || token.allowedModels.includes(model.id);
}

function principalOf(auth: AuthContext | undefined): AccessTokenPrincipal {
  // The guard always sets an access-token principal on external routes; anything else is a wiring bug.
  if (auth?.kind !== 'accessToken') throw new Error('External route reached without an access token principal');
  return auth.token;
}

/** The external view of the model catalog, narrowed to what the caller's token may use. */
@Injectable()
export class ExternalModelsService {
  constructor(private readonly catalog: PublicModelCatalog) {}

  async list(auth: AuthContext | undefined): Promise<{ items: PublicModelView[] }> {
    const token = principalOf(auth);
    const models = await this.catalog.listDeployed();
    return { items: models.filter((model) => allows(token, model)) };
  }

  async get(auth: AuthContext | undefined, idOrName: string): Promise<PublicModelView> {
    const token = principalOf(auth);
    const model = await this.catalog.findDeployed(idOrName);
    if (!model) throw ApiError.notFound('MODEL_NOT_FOUND', 'No deployed model with this id or name');
    // The guard already checked the allow-list; this repeats it in case the model changed meanwhile.
    if (!allows(token, model)) throw ApiError.forbidden('MODEL_NOT_ALLOWED', 'This access token may not use this model');
    return model;
  }
}
