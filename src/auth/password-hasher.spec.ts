import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ N: 1 << 10, r: 8, p: 1 });

  it('stores algorithm, parameters and salt in the hash and verifies only the right password', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(hash).not.toContain('correct horse');
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('verifies hashes made with other parameters (the cost can be raised later)', async () => {
    const stronger = new PasswordHasher({ N: 1 << 11, r: 8, p: 2 });
    await expect(hasher.verify('pw', await stronger.hash('pw'))).resolves.toBe(true);
  });

  it('treats malformed or absurd stored hashes as a mismatch instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$abc$8$1$c2FsdA$a2V5', 'scrypt$1073741824$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5', 'bcrypt$1$2$3$4$5']) {
      await expect(hasher.verify('pw', stored)).resolves.toBe(false);
    }
  });

  it('the dummy verification always fails', async () => {
    await expect(hasher.verifyAgainstDummy('anything')).resolves.toBe(false);
  });
});
