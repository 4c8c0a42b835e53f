import { describe, expect, it } from 'vitest';
import { createModelportClient } from './index.js';

describe('createModelportClient', () => {
  it('sends the admin and access credentials as the headers the server reads', async () => {
    const seen: Request[] = [];
    const fetch = async (request: Request) => {
      seen.push(request);
      return new Response(JSON.stringify({ status: 'ok' }), { headers: { 'content-type': 'application/json' } });
    };
    let jwt = 'first';
    const client = createModelportClient('http://127.0.0.1:1/', { authToken: () => jwt, accessToken: 'mp_x', fetch });
    await client.GET('/health');
    jwt = 'second';
    await client.GET('/health');
    expect(seen.map((r) => r.url)).toEqual(['http://127.0.0.1:1/health', 'http://127.0.0.1:1/health']);
    expect(seen.map((r) => r.headers.get('x-auth-token'))).toEqual(['first', 'second']);
    expect(seen[0].headers.get('x-access-token')).toBe('mp_x');
  });
});
