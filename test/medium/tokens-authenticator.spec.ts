import { SerialTransactions } from '../../src/database/serial-transactions.js';
import { CryptoRepository } from '../../src/auth/crypto.repository.js';
import type { FastifyRequest } from 'fastify';
import { DataSource, DataSourceOptions } from 'typeorm';
import { openDataSource } from '../../src/database/open-data-source.js';
import { MemoryRateLimiterStore } from '../../src/common/rate-limiter-store.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthRequirement } from '../../src/auth/auth.types.js';
import { EmptyPublicModelCatalog, PublicModelView } from '../../src/catalog/public-model-catalog.js';
import { ApiError } from '../../src/common/api-error.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { AccessTokenAuthenticator } from '../../src/tokens/access-token.authenticator.js';
import { AccessTokenEntity, AccessTokenUsageEntity } from '../../src/tokens/access-token.entity.js';
import { TypeOrmAccessTokenRepository } from '../../src/tokens/access-token.repository.js';
import { TokenGuardState } from '../../src/tokens/token-guard-state.js';
import { Clock } from '../../src/common/clock.js';
import { TokenSecrets } from '../../src/tokens/token-secrets.js';
import { TokenUsageTracker } from '../../src/tokens/token-usage.tracker.js';
import { TokenService } from '../../src/tokens/token.service.js';
import { createTokenSchema } from '../../src/tokens/token.dto.js';
import { databasesUnderTest, PreparedDatabase } from '../helpers/test-databases.js';

class MovableClock extends Clock {
  constructor(public current = new Date('2026-03-31T23:59:00.000Z')) {
    super();
  }
  override now(): Date {
    return new Date(this.current);
  }
}

/** Only the one metrics call the authenticator makes; the real service needs the HTTP adapter. */
class RecordingMetrics {
  readonly rejections: string[] = [];
  recordTokenRejection(reason: string): void {
    this.rejections.push(reason);
  }
}

/** A catalog holding two models, so name resolution can be exercised. */
class TwoModelCatalog extends EmptyPublicModelCatalog {
  private readonly models: PublicModelView[] = [
    { id: 'id-cat', name: 'cat-detector', engine: 'onnxruntime', version: 1, signature: { inputs: [], outputs: [] }, task: 'classification' },
    { id: 'id-dog', name: 'dog-detector', engine: 'onnxruntime', version: 1, signature: { inputs: [], outputs: [] }, task: 'classification' },
  ];
  override async resolveId(idOrName: string): Promise<string | null> {
    return this.models.find((model) => model.id === idOrName || model.name === idOrName)?.id ?? null;
  }
}

/** Counts the database lookups by secret hash, to prove the cache spares them. */
class CountingRepository extends TypeOrmAccessTokenRepository {
  hashLookups = 0;
  override async findBySecretHash(secretHash: string) {
    this.hashLookups++;
    return super.findBySecretHash(secretHash);
  }
}

interface Harness {
  dataSource: DataSource;
  repository: CountingRepository;
  clock: MovableClock;
  usage: TokenUsageTracker;
  service: TokenService;
  authenticator: AccessTokenAuthenticator;
  metrics: RecordingMetrics;
}

async function openHarness(options: DataSourceOptions, clock = new MovableClock(), trustedProxies: string[] = []): Promise<Harness> {
  const dataSource = await openDataSource(options);
  const repository = new CountingRepository(dataSource.getRepository(AccessTokenEntity), dataSource, new SerialTransactions(dataSource));
  const secrets = new TokenSecrets(new CryptoRepository());
  const state = new TokenGuardState(new MemoryRateLimiterStore());
  const usage = new TokenUsageTracker(repository, clock);
  const service = new TokenService(repository, secrets, clock, usage, state);
  const metrics = new RecordingMetrics();
  const config = { server: { trustedProxies } } as unknown as AppConfig;
  const authenticator = new AccessTokenAuthenticator(repository, secrets, state, usage, new TwoModelCatalog(), clock, config, metrics as unknown as MetricsService);
  return { dataSource, repository, clock, usage, service, authenticator, metrics };
}

function fakeRequest(options: { token?: string; bearer?: string; ip?: string; params?: Record<string, string>; headers?: Record<string, string> } = {}): FastifyRequest {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['x-access-token'] = options.token;
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  return { headers, socket: { remoteAddress: options.ip ?? '127.0.0.1' }, params: options.params ?? {} } as unknown as FastifyRequest;
}

const listing: Extract<AuthRequirement, { kind: 'external' }> = { kind: 'external', countsUsage: false };
const inference = (modelParam = 'model'): Extract<AuthRequirement, { kind: 'external' }> => ({ kind: 'external', modelParam, countsUsage: true });

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

for (const database of databasesUnderTest()) describe(`access token authenticator on a real ${database.name} database`, () => {
  let prepared: PreparedDatabase;
  let h: Harness;

  beforeEach(async () => {
    prepared = await database.prepare([AccessTokenEntity, AccessTokenUsageEntity]);
    h = await openHarness(prepared.options);
  });
  afterEach(async () => {
    if (h.dataSource.isInitialized) await h.dataSource.destroy();
    await prepared.remove();
  });

  const issue = (body: Record<string, unknown>) => h.service.create(createTokenSchema.parse({ name: 'test', allowedModels: ['*'], ...body }), null);

  it('accepts a valid token from X-Access-Token or Authorization: Bearer and sets request.auth', async () => {
    const { token, id } = await issue({ name: 'ci', allowedModels: ['id-cat'] });
    const request = fakeRequest({ token });
    const auth = await h.authenticator.authenticate(request, listing);
    expect(auth).toEqual({ kind: 'accessToken', token: { id, name: 'ci', allowedModels: ['id-cat'] } });
    expect(request.auth).toEqual(auth);
    expect(await h.authenticator.authenticate(fakeRequest({ bearer: token }), listing)).toEqual(auth);
  });

  it('refuses missing and unknown tokens, recording each rejection', async () => {
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest(), listing))).code).toBe('ACCESS_TOKEN_MISSING');
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token: '   ' }), listing))).code).toBe('ACCESS_TOKEN_MISSING');
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ headers: { authorization: 'Basic abc' } }), listing))).code).toBe('ACCESS_TOKEN_MISSING');
    const unknown = `mp_${'A'.repeat(43)}`;
    const invalid = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token: unknown }), listing));
    expect([invalid.getStatus(), invalid.code]).toEqual([401, 'ACCESS_TOKEN_INVALID']);
    for (const garbage of ['x', 'mp_short', 'é'.repeat(5000), `${unknown}\n`]) {
      expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token: garbage }), listing))).code).toBe('ACCESS_TOKEN_INVALID');
    }
    expect(h.metrics.rejections.slice(0, 4)).toEqual(['ACCESS_TOKEN_MISSING', 'ACCESS_TOKEN_MISSING', 'ACCESS_TOKEN_MISSING', 'ACCESS_TOKEN_INVALID']);
    expect(h.metrics.rejections).toHaveLength(8);
  });

  it('asks the database once per token, not per request, and caches unknown tokens briefly', async () => {
    const { token } = await issue({});
    for (let i = 0; i < 5; i++) await h.authenticator.authenticate(fakeRequest({ token }), listing);
    expect(h.repository.hashLookups).toBe(1);
    const unknown = `mp_${'B'.repeat(43)}`;
    for (let i = 0; i < 5; i++) await rejectionOf(h.authenticator.authenticate(fakeRequest({ token: unknown }), listing));
    expect(h.repository.hashLookups).toBe(2);
  });

  it('reports revoked, disabled and expired in that order, effective immediately despite the cache', async () => {
    const { token, id } = await issue({});
    await h.authenticator.authenticate(fakeRequest({ token }), listing);
    await h.service.update(id, { expiresAt: '2020-01-01T00:00:00Z' });
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token }), listing))).code).toBe('ACCESS_TOKEN_EXPIRED');
    await h.service.disable(id);
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token }), listing))).code).toBe('ACCESS_TOKEN_DISABLED');
    await h.service.revoke(id);
    const revoked = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token }), listing));
    expect([revoked.getStatus(), revoked.code]).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
    expect((await rejectionOf(h.service.enable(id))).code).toBe('TOKEN_REVOKED');
  });

  it('expires a token when the clock passes expiresAt', async () => {
    const { token } = await issue({ expiresAt: '2026-04-01T00:00:00Z' });
    await h.authenticator.authenticate(fakeRequest({ token }), listing);
    h.clock.current = new Date('2026-04-01T00:00:00.000Z');
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token }), listing))).code).toBe('ACCESS_TOKEN_EXPIRED');
  });

  it('stops the old secret the moment a token is rotated', async () => {
    const { token: oldSecret, id } = await issue({});
    await h.authenticator.authenticate(fakeRequest({ token: oldSecret }), listing);
    const { token: newSecret } = await h.service.rotate(id);
    expect(newSecret).not.toBe(oldSecret);
    expect((await rejectionOf(h.authenticator.authenticate(fakeRequest({ token: oldSecret }), listing))).code).toBe('ACCESS_TOKEN_INVALID');
    expect((await h.authenticator.authenticate(fakeRequest({ token: newSecret }), listing)).kind).toBe('accessToken');
  });

  it('checks the client address against IPv4 and IPv6 ranges', async () => {
    const { token } = await issue({ ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    await h.authenticator.authenticate(fakeRequest({ token, ip: '10.9.8.7' }), listing);
    await h.authenticator.authenticate(fakeRequest({ token, ip: '::ffff:10.1.1.1' }), listing);
    await h.authenticator.authenticate(fakeRequest({ token, ip: '2001:db8:1::9' }), listing);
    for (const ip of ['127.0.0.1', '2001:db9::1', '::1']) {
      const error = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token, ip }), listing));
      expect([error.getStatus(), error.code]).toEqual([403, 'IP_NOT_ALLOWED']);
    }
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const { token } = await issue({ ipAllowlist: ['203.0.113.7'] });
    const spoofed = fakeRequest({ token, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect((await rejectionOf(h.authenticator.authenticate(spoofed, listing))).code).toBe('IP_NOT_ALLOWED');
    await h.dataSource.destroy();
    h = await openHarness(prepared.options, h.clock, ['127.0.0.1/32']);
    await h.authenticator.authenticate(fakeRequest({ token, headers: { 'x-forwarded-for': '203.0.113.7' } }), listing);
  });

  it('resolves model names before checking the allow-list and leaks nothing about unknown names', async () => {
    const { token } = await issue({ allowedModels: ['id-cat', 'no-such-model'] });
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'id-cat' } }), inference());
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'cat-detector' } }), inference());
    // Listed but unknown: the route itself answers 404.
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'no-such-model' } }), inference());
    for (const model of ['id-dog', 'dog-detector', 'other-unknown', '']) {
      const error = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token, params: { model } }), inference()));
      expect([error.getStatus(), error.code]).toEqual([403, 'MODEL_NOT_ALLOWED']);
    }
    const wildcard = await issue({ allowedModels: ['*'] });
    await h.authenticator.authenticate(fakeRequest({ token: wildcard.token, params: { model: 'anything' } }), inference());
  });

  it('rate-limits per token with a Retry-After', async () => {
    const { token } = await issue({ rateLimitPerMinute: 2 });
    await h.authenticator.authenticate(fakeRequest({ token }), listing);
    await h.authenticator.authenticate(fakeRequest({ token }), listing);
    const error = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token }), listing));
    expect([error.getStatus(), error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(error.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  it('enforces the monthly quota only on counted routes, with Retry-After to the next UTC month', async () => {
    const { token, id } = await issue({ monthlyQuota: 2 });
    h.clock.current = new Date('2026-03-31T23:00:00.000Z');
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference());
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference());
    // Uncounted routes still work once the quota is spent.
    await h.authenticator.authenticate(fakeRequest({ token }), listing);
    const error = await rejectionOf(h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference()));
    expect([error.getStatus(), error.code]).toEqual([429, 'QUOTA_EXCEEDED']);
    expect(error.headers?.['Retry-After']).toBe(String(60 * 60));
    expect(await h.service.get(id)).toMatchObject({ usedThisMonth: 2, remainingQuota: 0, monthlyQuota: 2 });

    h.clock.current = new Date('2026-04-01T00:00:00.000Z');
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference());
    expect(await h.service.get(id)).toMatchObject({ usedThisMonth: 1, remainingQuota: 1 });
  });

  it('never lets concurrent requests overspend the quota', async () => {
    const { token, id } = await issue({ monthlyQuota: 3 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference())),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect((await h.service.get(id)).usedThisMonth).toBe(3);
  });

  it('keeps usage counts and lastUsedAt across a restart once flushed', async () => {
    const { token, id } = await issue({ monthlyQuota: 10 });
    for (let i = 0; i < 3; i++) await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference());
    await h.usage.beforeApplicationShutdown();
    await h.dataSource.destroy();

    h = await openHarness(prepared.options, h.clock);
    const view = await h.service.get(id);
    expect(view).toMatchObject({ usedThisMonth: 3, remainingQuota: 7, lastUsedAt: h.clock.now().toISOString() });
    await h.authenticator.authenticate(fakeRequest({ token, params: { model: 'x' } }), inference());
    expect((await h.service.get(id)).usedThisMonth).toBe(4);
  });

  it('lists tokens by status and name without exposing secrets', async () => {
    const active = await issue({ name: 'alpha build' });
    const disabled = await issue({ name: 'beta 100%' });
    await h.service.disable(disabled.id);
    const expired = await issue({ name: 'gamma' });
    await h.service.update(expired.id, { expiresAt: '2020-01-01T00:00:00Z' });
    const revoked = await issue({ name: 'delta' });
    await h.service.revoke(revoked.id);
    const query = { limit: 50, offset: 0 };
    const idsOf = async (extra: Record<string, string>) => (await h.service.list({ ...query, ...extra })).items.map((item) => item.id);
    expect(await idsOf({ status: 'active' })).toEqual([active.id]);
    expect(await idsOf({ status: 'disabled' })).toEqual([disabled.id]);
    expect(await idsOf({ status: 'expired' })).toEqual([expired.id]);
    expect(await idsOf({ status: 'revoked' })).toEqual([revoked.id]);
    expect(await idsOf({ search: '100%' })).toEqual([disabled.id]);
    expect(await idsOf({ search: '%' })).toEqual([disabled.id]);
    const all = await h.service.list(query);
    expect(all.total).toBe(4);
    const serialized = JSON.stringify(all);
    for (const issued of [active, disabled, expired, revoked]) expect(serialized).not.toContain(issued.token);
    expect(serialized).not.toContain('secretHash');
  });
});
