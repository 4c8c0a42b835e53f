import { createModelportClient, type ModelportClient } from '../client/index.js';
import { CliError, EXIT, exitCodeForStatus } from './exit-codes.js';
import { type Profile, ProfileStore } from './profile-store.js';

export interface GlobalOptions {
  profile?: string;
  url?: string;
  json?: boolean;
}

interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The server's error envelope (admin API) or the protocol's bare `{"error"}` (v2). */
export function serverError(response: Response, body: unknown): CliError {
  const envelope = (body as { error?: unknown } | undefined)?.error;
  let code = response.headers.get('x-error-code') ?? `HTTP_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  let details: unknown;
  if (envelope && typeof envelope === 'object') {
    const error = envelope as { code?: string; message?: string; details?: unknown };
    code = error.code ?? code;
    message = error.message ?? message;
    details = error.details;
  } else if (typeof envelope === 'string') {
    message = envelope;
  }
  return new CliError(exitCodeForStatus(response.status), code, message, details);
}

/** Turns a non-2xx response into the CLI error, reading its body. */
export async function failureOf(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return serverError(response, body);
}

/** A network failure (nothing answered) as the UNREACHABLE exit code. */
export function unreachable(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return new CliError(EXIT.UNREACHABLE, 'SERVER_UNREACHABLE', `Cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)}`);
}

/**
 * The server, the credentials and the typed client for one CLI run. MODELPORT_URL and
 * MODELPORT_TOKEN override the profile, so a CI job needs no profile file at all.
 */
export class Session {
  readonly url: string;
  readonly client: ModelportClient;
  private authToken: string | undefined;
  private readonly profile: Profile | undefined;
  private readonly envToken: string | undefined;

  constructor(
    private readonly options: GlobalOptions,
    private readonly store = new ProfileStore(),
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const { profile } = store.get(options.profile);
    const url = options.url ?? env.MODELPORT_URL ?? profile?.url;
    if (!url) throw new CliError(EXIT.USAGE, 'NO_SERVER', 'No server: run `modelport login --url URL --username NAME`, or set MODELPORT_URL');
    this.url = url.replace(/\/+$/, '');
    this.envToken = env.MODELPORT_TOKEN || undefined;
    // A profile's session is only ever sent to the server it was issued by.
    const profileMatches = profile !== undefined && profile.url.replace(/\/+$/, '') === this.url;
    this.profile = profileMatches ? profile : undefined;
    this.authToken = this.envToken ?? this.profile?.authToken;
    this.client = createModelportClient(this.url, { authToken: () => this.authToken });
  }

  get profileName(): string {
    return this.store.get(this.options.profile).name;
  }

  /** Throws the usage error a command needing admin credentials gives when there are none. */
  requireLogin(): void {
    if (!this.authToken) throw new CliError(EXIT.AUTH, 'NOT_LOGGED_IN', 'Not logged in: run `modelport login`, or set MODELPORT_TOKEN');
  }

  /**
   * Runs one typed-client call and returns its data, or throws the server's code and message.
   * A profile session whose access JWT expired is refreshed once and the call repeated.
   */
  async call<T>(send: (client: ModelportClient) => Promise<ApiResult<T>>, options: { retry?: boolean } = {}): Promise<T> {
    let result: ApiResult<T>;
    try {
      result = await send(this.client);
    } catch (error) {
      throw unreachable(this.url, error);
    }
    if (result.response.status === 401 && options.retry !== false && (await this.refresh())) return this.call(send, { retry: false });
    if (!result.response.ok) throw serverError(result.response, result.error);
    return result.data as T;
  }

  /** Raw fetch against the server with the session's header (for routes outside the typed client's body types). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.authToken && !headers.has('X-Auth-Token') && !headers.has('X-Access-Token')) headers.set('X-Auth-Token', this.authToken);
    try {
      return await fetch(`${this.url}${path}`, { ...init, headers });
    } catch (error) {
      throw unreachable(this.url, error);
    }
  }

  failure(response: Response): Promise<CliError> {
    return failureOf(response);
  }

  private async refresh(): Promise<boolean> {
    if (this.envToken || !this.profile?.refreshToken) return false;
    const response = await fetch(`${this.url}/api/v1/internal/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: this.profile.refreshToken }),
    }).catch((error: unknown) => {
      throw unreachable(this.url, error);
    });
    if (!response.ok) return false;
    const session = (await response.json()) as { accessToken: string; refreshToken: string };
    this.authToken = session.accessToken;
    this.store.save(this.profileName, { ...this.profile, authToken: session.accessToken, refreshToken: session.refreshToken }, false);
    return true;
  }
}
