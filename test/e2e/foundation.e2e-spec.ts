import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startTestApp, TestApp } from '../helpers/test-app.js';

describe('foundation: health, errors, request ids, OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /health is 200', async () => {
    const res = await request(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /ready is 200 once start-up work is done', async () => {
    const res = await request(`${t.url}/ready`);
    expect(res.status).toBe(200);
    expect(res.body.checks.database).toBe('up');
  });

  it('every response carries a generated X-Request-Id', async () => {
    const res = await request(`${t.url}/health`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await request(`${t.url}/health`, { headers: { 'X-Request-Id': 'client-req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req-42');
    const replaced = await request(`${t.url}/health`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toContain(' ');
  });

  it('unknown routes get the standard error body', async () => {
    const res = await request(`${t.url}/nope`, { headers: { 'X-Request-Id': 'r-1' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'r-1' } });
  });

  it('serves OpenAPI JSON documenting both auth headers', async () => {
    const res = await request(`${t.url}/docs-json`);
    expect(res.status).toBe(200);
    expect(res.body.components.securitySchemes['X-Auth-Token']).toMatchObject({ type: 'apiKey', name: 'X-Auth-Token' });
    expect(res.body.components.securitySchemes['X-Access-Token']).toMatchObject({ type: 'apiKey', name: 'X-Access-Token' });
  });
});
