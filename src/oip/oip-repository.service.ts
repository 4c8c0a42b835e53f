import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PublicModelCatalog } from '../catalog/public-model-catalog.js';
import { ApiError } from '../common/api-error.js';
import { describeIssues } from '../common/validation.js';
import { ModelLifecycleService } from '../models/model-lifecycle.service.js';
import type { ModelView } from '../models/model-view.js';

export interface RepositoryIndexEntry {
  name: string;
  version: string;
  state: 'READY' | 'LOADING' | 'UNAVAILABLE';
  reason: string;
}

export const repositoryIndexSchema = z.object({ ready: z.boolean().optional() }).loose();
export const repositoryLoadSchema = z.object({ parameters: z.record(z.string(), z.unknown()).optional() }).loose();

const PAGE = 500;

async function ignoring(code: string, work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === code)) throw error;
  }
}

function stateOf(model: ModelView): RepositoryIndexEntry['state'] {
  if (model.status === 'deployed') return 'READY';
  if (model.status === 'deploying') return 'LOADING';
  return 'UNAVAILABLE';
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw ApiError.badRequest('VALIDATION_FAILED', 'Invalid repository request', describeIssues(parsed.error));
  return parsed.data;
}

/**
 * The model repository extension mapped onto the model store: the index lists every model,
 * load deploys its active version and unload undeploys it, through the same lifecycle service
 * (locks, validation, hot swap) as the admin API.
 */
@Injectable()
export class OipRepositoryService {
  constructor(
    private readonly lifecycle: ModelLifecycleService,
    private readonly catalog: PublicModelCatalog,
  ) {}

  async index(body: unknown): Promise<RepositoryIndexEntry[]> {
    const { ready } = parse(repositoryIndexSchema, body);
    const entries: RepositoryIndexEntry[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.lifecycle.list({ limit: PAGE, offset });
      for (const model of page.items) {
        const state = stateOf(model);
        if (ready && state !== 'READY') continue;
        entries.push({ name: model.name, version: String(model.activeVersion), state, reason: state === 'READY' ? '' : (model.statusReason ?? model.status) });
      }
      if (offset + PAGE >= page.total) break;
    }
    return entries;
  }

  /** Idempotent, as protocol clients expect: loading a model that is already served succeeds. */
  async load(idOrName: string, body: unknown): Promise<void> {
    parse(repositoryLoadSchema, body);
    await ignoring('MODEL_ALREADY_DEPLOYED', this.lifecycle.deploy(await this.idOf(idOrName)));
  }

  async unload(idOrName: string, body: unknown): Promise<void> {
    parse(repositoryLoadSchema, body);
    await ignoring('MODEL_NOT_DEPLOYED', this.lifecycle.undeploy(await this.idOf(idOrName)));
  }

  private async idOf(idOrName: string): Promise<string> {
    const id = await this.catalog.resolveId(idOrName);
    if (!id) throw ApiError.notFound('MODEL_NOT_FOUND', `No model "${idOrName.slice(0, 200)}"`);
    return id;
  }
}
