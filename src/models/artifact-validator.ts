import type { ArtifactFormat, ModelArtifact, ModelSignature } from '../../engines/sdk/index.js';
import type { ValidationReport } from './model.entity.js';

export interface ArtifactValidation {
  /** The engine that judged (or would have judged) the artifact. */
  engine: string;
  report: ValidationReport;
  signature: ModelSignature | null;
}

/** Which engine serves a format, and what it says about an artifact. */
export abstract class ArtifactValidator {
  /**
   * Throws ModelConfigError('engine') when `requestedEngine` is unknown or cannot read `format`.
   * Never throws for a bad artifact or an unavailable engine: those become a failed report.
   */
  abstract validate(artifact: ModelArtifact, requestedEngine?: string): Promise<ArtifactValidation>;
  abstract engineFor(format: ArtifactFormat, requestedEngine?: string): string;
}
