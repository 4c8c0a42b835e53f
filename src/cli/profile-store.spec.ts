import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileStore, profilePath } from './profile-store.js';

describe('CLI profile store', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('lives under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(profilePath({ XDG_CONFIG_HOME: '/x/y' })).toBe('/x/y/modelport/profiles.json');
    expect(profilePath({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\.config\/modelport\/profiles\.json$/);
  });

  it('writes the file 0600 in a 0700 directory, keeps several profiles and a current one', () => {
    const base = mkdtempSync(join(tmpdir(), 'profiles-'));
    dirs.push(base);
    const path = profilePath({ XDG_CONFIG_HOME: base });
    const store = new ProfileStore(path);
    expect(store.get().profile).toBeUndefined();
    store.save('default', { url: 'http://a', username: 'u', authToken: 't1', refreshToken: 'r1' });
    store.save('ci', { url: 'http://b', username: 'v', authToken: 't2', refreshToken: 'r2' }, false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(base, 'modelport')).mode & 0o777).toBe(0o700);
    expect(store.get()).toMatchObject({ name: 'default', profile: { url: 'http://a' } });
    expect(store.get('ci').profile?.authToken).toBe('t2');
    expect(store.remove('ci')).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles).toHaveProperty('default');
  });
});
