import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, EXIT } from './exit-codes.js';
import { ProfileStore } from './profile-store.js';
import { Session } from './session.js';

describe('CLI session: which server, which credentials', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const storeWithProfile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    dirs.push(dir);
    const store = new ProfileStore(join(dir, 'profiles.json'));
    store.save('default', { url: 'http://a.example:8000/', username: 'u', authToken: 'jwt-a', refreshToken: 'r' });
    return store;
  };
  const loggedIn = (session: Session) => {
    try {
      session.requireLogin();
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(EXIT.AUTH);
      return false;
    }
  };

  it("uses the profile's server and session", () => {
    const session = new Session({}, storeWithProfile(), {});
    expect(session.url).toBe('http://a.example:8000');
    expect(loggedIn(session)).toBe(true);
  });

  it("never sends a profile's session to another server (--url or MODELPORT_URL)", () => {
    expect(loggedIn(new Session({ url: 'http://b.example' }, storeWithProfile(), {}))).toBe(false);
    expect(loggedIn(new Session({}, storeWithProfile(), { MODELPORT_URL: 'http://b.example' }))).toBe(false);
    expect(loggedIn(new Session({}, storeWithProfile(), { MODELPORT_URL: 'http://b.example', MODELPORT_TOKEN: 'ci-jwt' }))).toBe(true);
  });

  it('without any server it is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    dirs.push(dir);
    expect(() => new Session({}, new ProfileStore(join(dir, 'none.json')), {})).toThrow(expect.objectContaining({ exitCode: EXIT.USAGE, code: 'NO_SERVER' }));
  });
});
