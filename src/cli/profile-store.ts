import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

export interface Profile {
  url: string;
  username: string;
  /** The admin-API session (JWT, X-Auth-Token) and its refresh token. */
  authToken: string;
  refreshToken: string;
}

interface ProfileFile {
  current: string;
  profiles: Record<string, Profile>;
}

/** Where profiles live: $XDG_CONFIG_HOME/modelport/profiles.json, else ~/.config/modelport/. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'modelport', 'profiles.json');
}

/** The profiles file. It holds session secrets, so it is written 0600 in a 0700 directory. */
export class ProfileStore {
  constructor(private readonly path: string = profilePath()) {}

  get location(): string {
    return this.path;
  }

  private read(): ProfileFile {
    if (!existsSync(this.path)) return { current: 'default', profiles: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as ProfileFile;
      return { current: parsed.current ?? 'default', profiles: parsed.profiles ?? {} };
    } catch {
      throw new CliError(EXIT.USAGE, 'PROFILE_UNREADABLE', `${this.path} is not valid JSON; log in again after removing it`);
    }
  }

  private write(file: ProfileFile): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }

  /** The named profile, or the current one. */
  get(name?: string): { name: string; profile: Profile | undefined } {
    const file = this.read();
    const chosen = name ?? file.current;
    return { name: chosen, profile: file.profiles[chosen] };
  }

  save(name: string, profile: Profile, makeCurrent = true): void {
    const file = this.read();
    file.profiles[name] = profile;
    if (makeCurrent) file.current = name;
    this.write(file);
  }

  remove(name: string): boolean {
    const file = this.read();
    if (!file.profiles[name]) return false;
    delete file.profiles[name];
    this.write(file);
    return true;
  }
}
