export interface PublicTensorSpec {
  name: string;
  dtype: string;
  shape: Array<number | string>;
}

/** What an external caller may learn about a deployed model: no paths, owners or internal state. */
export interface PublicModelView {
  id: string;
  name: string;
  engine: string;
  version: number;
  signature: { inputs: PublicTensorSpec[]; outputs: PublicTensorSpec[] };
  task: string;
}

/**
 * Port between the external API (and the access-token guard) and whoever owns models.
 * The model store provides the real implementation; an empty one stands in until then.
 */
export abstract class PublicModelCatalog {
  abstract listDeployed(): Promise<PublicModelView[]>;
  abstract findDeployed(idOrName: string): Promise<PublicModelView | null>;
  /** id for an id or unique name, whether or not deployed; null if no such model */
  abstract resolveId(idOrName: string): Promise<string | null>;
}

/** A catalog with no models: every external model lookup answers "not found". */
export class EmptyPublicModelCatalog extends PublicModelCatalog {
  async listDeployed(): Promise<PublicModelView[]> {
    return [];
  }
  async findDeployed(_idOrName: string): Promise<PublicModelView | null> {
    return null;
  }
  async resolveId(_idOrName: string): Promise<string | null> {
    return null;
  }
}
