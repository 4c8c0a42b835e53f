import { Injectable } from '@nestjs/common';
import type { ArtifactFormat, ModelArtifact } from '../../engines/sdk/index.js';
import { EngineRegistry } from '../engines/engine-registry.js';
import { ArtifactValidation, ArtifactValidator } from './artifact-validator.js';
import { ModelConfigError } from './model-config.js';

/** Stands in for the engine name when no engine at all can read a format. */
export const NO_ENGINE = 'none';

/** Validation through the engine registry: picks the engine, then lets it judge the artifact. */
@Injectable()
export class EngineArtifactValidator extends ArtifactValidator {
  constructor(private readonly registry: EngineRegistry) {
    super();
  }

  engineFor(format: ArtifactFormat, requestedEngine?: string): string {
    if (requestedEngine) {
      const status = this.registry.list().find((engine) => engine.name === requestedEngine);
      if (!status) throw new ModelConfigError('engine', `engine "${requestedEngine}" is not installed (installed: ${this.registry.list().map((engine) => engine.name).join(', ') || 'none'})`);
      if (status.formats.length > 0 && !status.formats.includes(format)) {
        throw new ModelConfigError('engine', `engine "${requestedEngine}" cannot read ${format} models (it reads ${status.formats.join(', ')})`);
      }
      return requestedEngine;
    }
    const available = this.registry.engineForFormat(format);
    if (available) return available.name;
    // Name the engine that would read it even when unavailable, so the report says why.
    return this.registry.list().find((engine) => engine.formats.includes(format))?.name ?? NO_ENGINE;
  }

  async validate(artifact: ModelArtifact, requestedEngine?: string): Promise<ArtifactValidation> {
    const engineName = this.engineFor(artifact.format, requestedEngine);
    const failed = (code: string, message: string, warnings: string[] = []): ArtifactValidation => ({
      engine: engineName,
      report: { ok: false, errors: [{ code, message }], warnings },
      signature: null,
    });
    if (engineName === NO_ENGINE) return failed('NO_ENGINE_FOR_FORMAT', `no installed engine reads ${artifact.format} models`);
    const engine = this.registry.get(engineName);
    if (!engine) {
      const reason = this.registry.list().find((status) => status.name === engineName)?.reason ?? 'unavailable';
      return failed('ENGINE_UNAVAILABLE', `engine "${engineName}" is unavailable: ${reason}`);
    }
    try {
      const result = await engine.validate(artifact);
      if (result.ok) return { engine: engineName, report: { ok: true, errors: [], warnings: result.warnings }, signature: result.signature };
      return failed(result.error.code, result.error.message, result.warnings);
    } catch (error) {
      // The contract says validate never throws; an engine that does is still only a failed report.
      return failed('VALIDATION_ERROR', (error as Error)?.message ?? String(error));
    }
  }
}
