import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModelSignature } from '../../engines/sdk/index.js';
import type { DeploymentOverrides, ModelConfig } from './model-config.js';

export const MODEL_STATUSES = ['validated', 'invalid', 'deploying', 'deployed', 'failed'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export type VersionStatus = 'validated' | 'invalid';

export interface ValidationReport {
  ok: boolean;
  errors: Array<{ code: string; message: string }>;
  warnings: string[];
}

// Timestamps are ISO-8601 strings written by the service's clock, so SQLite stores exactly what the API returns.
@Entity('models')
export class ModelEntity {
  @PrimaryColumn('varchar') id: string;
  @Column('varchar') name: string;
  @Column('varchar') description: string;
  @Column('varchar') engine: string;
  @Column('varchar') format: string;
  @Column('varchar') status: ModelStatus;
  @Column('text', { nullable: true }) statusReason: string | null;
  @Column('integer') activeVersion: number;
  @Column('simple-json') deploymentOverrides: DeploymentOverrides;
  @Column('varchar') createdAt: string;
  @Column('varchar') updatedAt: string;
}

@Entity('model_versions')
export class ModelVersionEntity {
  @PrimaryColumn('varchar') modelId: string;
  @PrimaryColumn('integer') version: number;
  @Column('varchar') status: VersionStatus;
  @Column('varchar') engine: string;
  @Column('varchar') format: string;
  /** Relative to DATA_DIR/models. */
  @Column('text') artifactPath: string;
  @Column('varchar') originalName: string;
  @Column('varchar') sha256: string;
  /** sha256 of the artifact as stored (ModelFileStorage.digest), checked before each load; null for versions stored before it existed. */
  @Column('varchar', { nullable: true }) artifactSha256: string | null;
  @Column('integer') sizeBytes: number;
  @Column('simple-json', { nullable: true }) signature: ModelSignature | null;
  @Column('simple-json') validation: ValidationReport;
  @Column('simple-json') config: ModelConfig;
  @Column('varchar') createdAt: string;
}
