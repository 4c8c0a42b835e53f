import { Injectable, Optional } from '@nestjs/common';
import { EngineRegistry } from '../engines/engine-registry.js';

export interface EngineVersion {
  name: string;
  version: string;
  available: boolean;
  reason?: string;
}

/** The engines this process knows and their runtime versions (none when no registry is bound). */
@Injectable()
export class EngineVersionSource {
  constructor(@Optional() private readonly registry?: EngineRegistry) {}

  async list(): Promise<EngineVersion[]> {
    return (this.registry?.list() ?? []).map(({ name, version, available, reason }) => ({ name, version, available, ...(reason ? { reason } : {}) }));
  }
}
