import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763830000000 } from './1763830000000-initial-schema.js';
import { AccessTokens1763830100000 } from './1763830100000-access-tokens.js';
import { ModelStore1763830200000 } from './1763830200000-model-store.js';
import { PasswordChangeRequired1763830300000 } from './1763830300000-password-change-required.js';
import { ReplicaHeartbeats1763830400000 } from './1763830400000-replica-heartbeats.js';
import { ArtifactDigests1763830500000 } from './1763830500000-artifact-digests.js';
import { SessionKeys1763831100000 } from './1763831100000-session-keys.js';

/**
 * Every migration, in order. Explicit imports (rather than a glob) keep ESM builds and
 * vitest working from the same list. Append new migrations at the end.
 */
export const allMigrations: Array<new () => MigrationInterface> = [InitialSchema1763830000000, AccessTokens1763830100000, ModelStore1763830200000, PasswordChangeRequired1763830300000, ReplicaHeartbeats1763830400000, ArtifactDigests1763830500000, SessionKeys1763831100000];
