import { chmod, open, readFile, stat } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';

export interface StoredSecret {
  secret: string;
  /** True when this call wrote the file (first boot). */
  created: boolean;
  /** True when the file was readable by others and its mode had to be tightened. */
  tightened: boolean;
}

/** The one file the generated JWT secret lives in: created exclusively with mode 0600, read back on later boots. */
@Injectable()
export class JwtSecretRepository {
  async readOrCreate(path: string, generate: () => string): Promise<StoredSecret> {
    const secret = generate();
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${secret}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { secret, created: true, tightened: false };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let tightened = false;
    if (((await stat(path)).mode & 0o077) !== 0) {
      await chmod(path, 0o600);
      tightened = true;
    }
    return { secret: (await readFile(path, 'utf8')).trim(), created: false, tightened };
  }
}
