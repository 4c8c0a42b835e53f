import { Command } from 'commander';
import { contextOf, withCommonOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { table } from './output.js';
import { resolveModel, resolveToken } from './resolve.js';
import type { TokenSummary } from './views.js';

const asToken = (data: unknown) => data as TokenSummary;

function positiveInt(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(String(value)) || Number(value) < 1) throw new CliError(EXIT.USAGE, 'USAGE', `${name} must be a positive integer`);
  return Number(value);
}

export function tokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('Issue and manage access tokens for the inference API');
  const leaf = (name: string, description: string) => withCommonOptions(tokens.command(name).description(description));

  leaf('create', 'Issue an access token; its secret is shown once')
    .requiredOption('--name <name>', 'a name for the token')
    .option('--models <list>', 'comma-separated model ids or names it may use (default: all, *)', '*')
    .option('--rate-limit <perMinute>', 'requests per minute')
    .option('--quota <perMonth>', 'successful inferences per month')
    .option('--expires <iso>', 'expiry, ISO-8601 with offset (e.g. 2030-01-01T00:00:00Z)')
    .option('--description <text>', 'description')
    .option('--quiet', 'print only the secret (for TOKEN=$(modelport tokens create ... --quiet))')
    .action(async (_options, command: Command) => {
      const { options, out, session } = contextOf(command);
      // The server's allow-list holds model ids; names are resolved here.
      const models = String(options.models).split(',').map((model) => model.trim()).filter(Boolean);
      const allowedModels = await Promise.all(models.map(async (model) => (model === '*' ? model : (await resolveModel(session(), model)).id)));
      const body = {
        name: String(options.name),
        allowedModels,
        ...(options.rateLimit !== undefined ? { rateLimitPerMinute: positiveInt('--rate-limit', options.rateLimit) } : {}),
        ...(options.quota !== undefined ? { monthlyQuota: positiveInt('--quota', options.quota) } : {}),
        ...(options.expires !== undefined ? { expiresAt: String(options.expires) } : {}),
        ...(options.description !== undefined ? { description: String(options.description) } : {}),
      };
      const token = asToken(await session().call((client) => client.POST('/api/v1/internal/tokens', { body: body as never })));
      if (options.quiet && !options.json) return out.raw(token.token ?? '');
      out.result(token, () => `Issued ${token.name} (${token.id}). Its secret, shown only now:\n${token.token}`);
    });

  leaf('list', 'List access tokens')
    .option('--status <status>', 'only tokens in this status (active, disabled, revoked, expired)')
    .action(async (_options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const query = { limit: 500, ...(options.status ? { status: options.status } : {}) };
      const list = (await session().call((client) => client.GET('/api/v1/internal/tokens', { params: { query: query as never } }))) as unknown as { items: TokenSummary[]; total: number };
      out.result(list, () =>
        list.items.length === 0 ? 'No access tokens' : table(['ID', 'NAME', 'STATUS', 'PREVIEW', 'MODELS', 'USED', 'EXPIRES'], list.items.map((t) => [t.id, t.name, t.status, t.tokenPreview, t.allowedModels.join(','), t.usedThisMonth, t.expiresAt])),
      );
    });

  const action = (name: string, description: string, path: '/api/v1/internal/tokens/{id}/disable' | '/api/v1/internal/tokens/{id}/enable', verb: string) =>
    leaf(name, description)
      .argument('<token>', 'token id or name')
      .action(async (idOrName: string, _options, command: Command) => {
        const { out, session } = contextOf(command);
        const found = await resolveToken(session(), idOrName);
        const token = asToken(await session().call((client) => client.POST(path, { params: { path: { id: found.id } } })));
        out.result(token, () => `${token.name}: ${verb} (status ${token.status})`);
      });
  action('disable', 'Disable a token (reversible)', '/api/v1/internal/tokens/{id}/disable', 'disabled');
  action('enable', 'Re-enable a disabled token', '/api/v1/internal/tokens/{id}/enable', 'enabled');

  leaf('rotate', 'Issue a new secret; the old one stops working at once')
    .argument('<token>', 'token id or name')
    .option('--quiet', 'print only the new secret')
    .action(async (idOrName: string, _options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const found = await resolveToken(session(), idOrName);
      const token = asToken(await session().call((client) => client.POST('/api/v1/internal/tokens/{id}/rotate', { params: { path: { id: found.id } } })));
      if (options.quiet && !options.json) return out.raw(token.token ?? '');
      out.result(token, () => `${token.name}: new secret, shown only now:\n${token.token}`);
    });

  leaf('revoke', 'Revoke a token permanently')
    .argument('<token>', 'token id or name')
    .action(async (idOrName: string, _options, command: Command) => {
      const { out, session } = contextOf(command);
      const found = await resolveToken(session(), idOrName);
      const token = asToken(await session().call((client) => client.DELETE('/api/v1/internal/tokens/{id}', { params: { path: { id: found.id } } })));
      out.result(token ?? { ...found, status: 'revoked' }, () => `${found.name}: revoked`);
    });
}
