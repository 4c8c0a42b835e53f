import { CliError, EXIT } from './exit-codes.js';
import type { Session } from './session.js';
import type { ModelSummary, TokenSummary } from './views.js';

/** A model by id, or else by exact name (the admin API addresses models by id). */
/** The call's result, or undefined when the server answered 404. */
async function unlessNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.NOT_FOUND) return undefined;
    throw error;
  }
}

export async function resolveModel(session: Session, idOrName: string): Promise<ModelSummary> {
  const byId = await unlessNotFound(session.call((client) => client.GET('/api/v1/internal/models/{id}', { params: { path: { id: idOrName } } })));
  if (byId) return byId as unknown as ModelSummary;
  const list = (await session.call((client) => client.GET('/api/v1/internal/models', { params: { query: { search: idOrName, limit: 500 } as never } }))) as unknown as { items: ModelSummary[] };
  const match = list.items.find((model) => model.name === idOrName);
  if (!match) throw new CliError(EXIT.NOT_FOUND, 'MODEL_NOT_FOUND', `No model with id or name "${idOrName}"`);
  return (await session.call((client) => client.GET('/api/v1/internal/models/{id}', { params: { path: { id: match.id } } }))) as unknown as ModelSummary;
}

/** A token by id, or else by exact name. */
export async function resolveToken(session: Session, idOrName: string): Promise<TokenSummary> {
  const byId = await unlessNotFound(session.call((client) => client.GET('/api/v1/internal/tokens/{id}', { params: { path: { id: idOrName } } })));
  if (byId) return byId as unknown as TokenSummary;
  const list = (await session.call((client) => client.GET('/api/v1/internal/tokens', { params: { query: { search: idOrName, limit: 500 } as never } }))) as unknown as { items: TokenSummary[] };
  const matches = list.items.filter((token) => token.name === idOrName);
  if (matches.length === 0) throw new CliError(EXIT.NOT_FOUND, 'TOKEN_NOT_FOUND', `No access token with id or name "${idOrName}"`);
  if (matches.length > 1) throw new CliError(EXIT.USAGE, 'TOKEN_NAME_AMBIGUOUS', `${matches.length} tokens are named "${idOrName}"; use the id`);
  return matches[0];
}
