import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type ModelportClient = Client<paths>;

export interface ModelportClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Admin API credential (JWT from login), sent as X-Auth-Token. */
  authToken?: string | (() => string | undefined);
  /** External API credential, sent as X-Access-Token. */
  accessToken?: string;
}

/**
 * The one typed client for Modelport's HTTP API: its types are generated from the server's
 * OpenAPI document, so a caller cannot drift from the routes the server actually has.
 */
export function createModelportClient(baseUrl: string, options: ModelportClientOptions = {}): ModelportClient {
  const { authToken, accessToken, ...rest } = options;
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), ...rest });
  client.use({
    onRequest({ request }) {
      const token = typeof authToken === 'function' ? authToken() : authToken;
      if (token && !request.headers.has('X-Auth-Token')) request.headers.set('X-Auth-Token', token);
      if (accessToken && !request.headers.has('X-Access-Token')) request.headers.set('X-Access-Token', accessToken);
      return request;
    },
  });
  return client;
}
