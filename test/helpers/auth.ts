import { randomBytes } from 'node:crypto';
import { request } from './test-app.js';

export type TestRole = 'admin' | 'operator' | 'viewer';

export interface TestUser {
  id: string;
  username: string;
  role: TestRole;
}

/** Logs in through the real login route and returns the access token (JWT for X-Auth-Token). */
export async function loginAs(url: string, username: string, password: string): Promise<string> {
  const res = await request(`${url}/api/v1/internal/auth/login`, { method: 'POST', json: { username, password } });
  if (res.status !== 200) {
    throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.accessToken as string;
}

/** Creates a user with a random name and password through the admin API, then logs in as them. */
export async function createUserAndLogin(
  url: string,
  adminToken: string,
  role: TestRole,
): Promise<{ token: string; user: TestUser; password: string }> {
  const username = `${role}-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const created = await request(`${url}/api/v1/internal/users`, {
    method: 'POST',
    headers: { 'X-Auth-Token': adminToken },
    json: { username, password, role },
  });
  if (created.status !== 201) {
    throw new Error(`creating ${role} user failed: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const token = await loginAs(url, username, password);
  return { token, user: created.body as TestUser, password };
}
