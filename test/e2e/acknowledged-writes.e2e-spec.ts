import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqlDialect } from '../../src/database/sql-dialect.js';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { createScratchPostgres, type ScratchPostgres } from '../helpers/test-databases.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { uploadModel } from './models-helpers.js';

const TOKENS = '/api/v1/internal/tokens';
const AUTH = '/api/v1/internal/auth';

/**
 * Same-name uploads race past the name check and fail inside their transaction on the UNIQUE
 * constraint. Every write the API acknowledged meanwhile (revokes, disables, rotations, password
 * changes, refresh rotations and their audit rows) must still be in the database afterwards.
 */
const postgresAdminUrl = inject('postgresAdminUrl');
const databases: Array<{ name: string; postgres: boolean }> = [{ name: 'SQLite', postgres: false }, ...(postgresAdminUrl ? [{ name: 'PostgreSQL', postgres: true }] : [])];

for (const database of databases) describe(`acknowledged writes survive concurrent failing transactions on ${database.name} (e2e)`, () => {
  let t: TestApp;
  let scratch: ScratchPostgres | undefined;
  let admin: string;
  let work: string;
  let modelFile: string;

  const asAdmin = (path: string, init: Parameters<typeof request>[1] = {}) =>
    request(`${t.url}${path}`, { ...init, headers: { 'X-Auth-Token': admin, ...(init.headers as Record<string, string>) } });
  const issue = async () => {
    const res = await asAdmin(TOKENS, { method: 'POST', json: { name: 'client', allowedModels: ['*'] } });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  };
  const useToken = async (secret: string) => (await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': secret } })).status;
  const refresh = (refreshToken: string) => request(`${t.url}${AUTH}/refresh`, { method: 'POST', json: { refreshToken } });
  const auditCount = async (action: string) => {
    const dataSource = t.app.get(DataSource);
    const sql = new SqlDialect(dataSource).positional('SELECT COUNT(*) AS count FROM "audit_log" WHERE "action" = ? AND "outcome" = ?');
    const rows: Array<{ count: number | string }> = await dataSource.query(sql, [action, 'success']);
    return Number(rows[0].count);
  };

  beforeAll(async () => {
    // The old-password checks below are failed logins from one address by design.
    scratch = database.postgres ? await createScratchPostgres(postgresAdminUrl!) : undefined;
    t = await startTestApp({ LOGIN_MAX_FAILURES: '1000', ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    work = mkdtempSync(join(tmpdir(), 'modelport-writes-e2e-'));
    modelFile = buildOnnxClassifier(join(work, 'classifier.onnx'), { seed: 3 }).path;
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('revokes, disables, rotations, password changes and refresh rotations made during failing uploads all stick', async () => {
    const rounds = 2;
    const writers = 4;
    let uploadsRefused = 0;
    let changes = 0;
    const revoked: string[] = [];
    const disabled: string[] = [];
    const rotations: Array<{ old: string; current: string }> = [];
    const passwords = new Map<string, { username: string; old: string[]; current: string }>();
    const usedRefreshTokens: string[] = [];
    const liveRefreshTokens: string[] = [];
    const auditBefore = {
      create: await auditCount('token.create'),
      revoke: await auditCount('token.revoke'),
      disable: await auditCount('token.disable'),
      rotate: await auditCount('token.rotate'),
      update: await auditCount('user.update'),
    };
    const users = await Promise.all(Array.from({ length: writers }, () => createUserAndLogin(t.url, admin, 'viewer')));
    for (const { user, password } of users) passwords.set(user.id, { username: user.username, old: [], current: password });

    /** One client doing acknowledged writes back to back until the uploads are over. */
    const writer = async (index: number, uploadsDone: () => boolean) => {
      let refreshToken = ((await request(`${t.url}${AUTH}/login`, { method: 'POST', json: TEST_ADMIN })).body as { refreshToken: string }).refreshToken;
      const userId = users[index].user.id;
      for (let step = 0; !uploadsDone(); step += 1) {
        const token = await issue();
        const kind = step % 5;
        if (kind === 0) {
          expect((await asAdmin(`${TOKENS}/${token.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
          revoked.push(token.token);
        } else if (kind === 1) {
          expect((await asAdmin(`${TOKENS}/${token.id}/disable`, { method: 'POST' })).status).toBe(200);
          disabled.push(token.token);
        } else if (kind === 2) {
          const rotated = await asAdmin(`${TOKENS}/${token.id}/rotate`, { method: 'POST' });
          expect(rotated.status).toBe(200);
          rotations.push({ old: token.token, current: rotated.body.token });
        } else if (kind === 3) {
          const entry = passwords.get(userId)!;
          const next = `new-password-${(changes += 1)}-${userId}`;
          expect((await asAdmin(`/api/v1/internal/users/${userId}`, { method: 'PATCH', json: { password: next } })).status).toBe(200);
          entry.old.push(entry.current);
          entry.current = next;
        } else {
          const refreshed = await refresh(refreshToken);
          expect(refreshed.status).toBe(200);
          usedRefreshTokens.push(refreshToken);
          refreshToken = refreshed.body.refreshToken;
        }
      }
      liveRefreshTokens.push(refreshToken);
    };

    for (let round = 0; round < rounds; round += 1) {
      let done = false;
      const uploads = Promise.all(Array.from({ length: 16 }, () => uploadModel(t.url, admin, { file: modelFile, name: `same-name-${round}` }))).finally(() => {
        done = true;
      });
      const [uploadResults] = await Promise.all([uploads, ...Array.from({ length: writers }, (_, index) => writer(index, () => done))]);
      expect(uploadResults.filter((res) => res.status === 201)).toHaveLength(1);
      uploadsRefused += uploadResults.filter((res) => res.status === 409).length;
    }
    expect(uploadsRefused).toBe(rounds * 15);

    for (const secret of [...revoked, ...disabled, ...rotations.map((rotation) => rotation.old)]) expect(await useToken(secret)).toBe(401);
    for (const rotation of rotations) expect(await useToken(rotation.current)).toBe(200);
    for (const { username, old, current } of passwords.values()) {
      for (const password of old) expect((await request(`${t.url}${AUTH}/login`, { method: 'POST', json: { username, password } })).status).toBe(401);
      expect(await loginAs(t.url, username, current)).toEqual(expect.any(String));
    }
    for (const live of liveRefreshTokens) expect((await refresh(live)).status).toBe(200);
    for (const used of usedRefreshTokens) expect((await refresh(used)).status).toBe(401);

    const issued = revoked.length + disabled.length + rotations.length + [...passwords.values()].reduce((sum, entry) => sum + entry.old.length, 0) + usedRefreshTokens.length;
    expect((await auditCount('token.create')) - auditBefore.create).toBe(issued);
    expect((await auditCount('token.revoke')) - auditBefore.revoke).toBe(revoked.length);
    expect((await auditCount('token.disable')) - auditBefore.disable).toBe(disabled.length);
    expect((await auditCount('token.rotate')) - auditBefore.rotate).toBe(rotations.length);
    expect((await auditCount('user.update')) - auditBefore.update).toBe([...passwords.values()].reduce((sum, entry) => sum + entry.old.length, 0));
  });
});
