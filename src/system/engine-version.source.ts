import { Injectable } from '@nestjs/common';

export interface EngineVersion {
  name: string;
  version: string;
  available: boolean;
  reason?: string;
}

/** The engines this process knows and their runtime versions. */
@Injectable()
export class EngineVersionSource {
  async list(): Promise<EngineVersion[]> {
    return [];
  }
}
