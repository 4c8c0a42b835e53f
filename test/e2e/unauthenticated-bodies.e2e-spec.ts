import type { Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAUTHENTICATED_BODY_GATE } from '../../src/common/request-limits.js';
import type { UnauthenticatedBodyGate } from '../../src/common/unauthenticated-body-gate.js';
import { loginAs } from '../helpers/auth.js';
import { type RawExchange, stall } from '../helpers/raw-http.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';

const LOGIN = '/api/v1/internal/auth/login';
const tick = () => new Promise((done) => setImmediate(done));

/** A login whose body is declared `length` bytes long and never finishes. */
const halfSentLogin = (url: string, length: number) =>
  stall(url, `POST ${LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"username":"`);

describe('how many unauthenticated bodies may be in flight at once (e2e)', () => {
  let t: TestApp;
  let gate: UnauthenticatedBodyGate;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ MAX_UNAUTHENTICATED_BODIES: '3', MAX_UNAUTHENTICATED_IN_FLIGHT_BYTES: '100000', LOGIN_MAX_FAILURES: '100' });
    gate = (t.app.getHttpAdapter().getInstance() as unknown as Record<string, UnauthenticatedBodyGate>)[UNAUTHENTICATED_BODY_GATE];
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await tick();
  }
  async function hangUp(stalled: RawExchange[]): Promise<void> {
    for (const exchange of stalled) exchange.socket.destroy();
    await until(() => gate.usage.active === 0);
  }

  it('refuses the next stranger with 503 UNAUTHENTICATED_CAPACITY_FULL while the places are held, never a credentialed request, and recovers', async () => {
    const stalled = await Promise.all([1, 2, 3].map(() => halfSentLogin(t.url, 1000)));
    await until(() => gate.usage.active === 3);

    const refused = await request(`${t.url}${LOGIN}`, { method: 'POST', json: TEST_ADMIN });
    expect([refused.status, refused.body.error.code, refused.headers.get('retry-after')]).toEqual([503, 'UNAUTHENTICATED_CAPACITY_FULL', '1']);
    expect(typeof refused.body.error.requestId).toBe('string');
    // A caller with a live credential is not a stranger.
    const credentialed = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'while-full', allowedModels: ['*'] } });
    expect(credentialed.status).toBe(201);

    await hangUp(stalled);
    expect(gate.usage).toEqual({ active: 0, reservedBytes: 0 });
    expect((await request(`${t.url}${LOGIN}`, { method: 'POST', json: TEST_ADMIN })).status).toBe(200);
  });

  it('caps the bytes they reserve between them, not only their number', async () => {
    const first = await halfSentLogin(t.url, 60_000);
    await until(() => gate.usage.active === 1);
    const second = await halfSentLogin(t.url, 60_000);
    const raw = await second.closed;
    expect(raw).toMatch(/^HTTP\/1\.1 503/);
    expect(raw).toContain('"code":"UNAUTHENTICATED_CAPACITY_FULL"');
    expect(gate.usage).toEqual({ active: 1, reservedBytes: 60_000 });
    await hangUp([first]);
    expect((await request(`${t.url}${LOGIN}`, { method: 'POST', json: TEST_ADMIN })).status).toBe(200);
  });

  it('a refused stranger still sending its body gets the answer at once; the connection closes once the rest is read', async () => {
    const declared = 200_000;
    const head = `POST ${LOGIN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`;
    // The server's end of each new connection, by the client's port.
    const server = t.app.getHttpServer() as Server;
    const accepted = new Map<number, Socket>();
    const track = (socket: Socket) => accepted.set(socket.remotePort ?? 0, socket);
    server.on('connection', track);
    const exchange = await stall(t.url, `${head}{"username":"`, { halfOpen: true });
    // Answered and half-closed (FIN) while the body is far from complete: nothing waits for it.
    const answer = await exchange.answered;
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    await exchange.ended;
    expect(exchange.socket.destroyed).toBe(false);
    // The rest of the body is still read (no reset), and then the server closes.
    const rest = Buffer.alloc(declared - '{"username":"'.length, 0x61);
    await until(() => accepted.has(exchange.socket.localPort ?? -1));
    const serverSide = accepted.get(exchange.socket.localPort ?? -1)!;
    server.off('connection', track);
    expect(serverSide.destroyed).toBe(false);
    const released = new Promise((done) => serverSide.once('close', done));
    await new Promise<void>((done, fail) => exchange.socket.write(rest, (error) => (error ? fail(error) : done())));
    // The server lets go of the connection once the whole body is in.
    await released;
    exchange.socket.end();
    expect(await exchange.closed).toBe(answer);
    expect(gate.usage).toEqual({ active: 0, reservedBytes: 0 });
  });
});
