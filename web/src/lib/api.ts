import { createModelportClient, type components } from '@client';

export type Schemas = components['schemas'];

/**
 * The access JWT lives here, in memory only: never in localStorage, sessionStorage or a
 * readable cookie. A reload gets a new one through the HttpOnly refresh cookie.
 */
let accessToken: string | undefined;
export function setAccessToken(token: string | undefined): void {
  accessToken = token;
}

export const api = createModelportClient(window.location.origin, { authToken: () => accessToken });

/** An error the API returned, with everything the console shows about it. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId: string | undefined,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string; details?: unknown };
}

/** Unwraps an openapi-fetch result: the data, or an ApiFailure with the server's message and request id. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiFailure(`The server could not be reached (${error instanceof Error ? error.message : String(error)})`, 0, 'NETWORK_ERROR', undefined);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error ?? {}) as ErrorBody;
  throw new ApiFailure(
    body.error?.message ?? `${response.status} ${response.statusText}`,
    response.status,
    body.error?.code ?? 'HTTP_ERROR',
    body.error?.requestId ?? response.headers.get('X-Request-Id') ?? undefined,
    body.error?.details,
  );
}
