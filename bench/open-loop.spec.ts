import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenLoop } from './open-loop.js';

/** A local server whose answers the test controls; it reads each body fully before answering. */
async function serve(handler: (response: http.ServerResponse) => void): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      received += 1;
      handler(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/infer`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('runOpenLoop', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('starts exactly rate × duration requests when sockets are free, and records each status', async () => {
    const server = await serve((response) => response.writeHead(503).end('{"code":"QUEUE_FULL"}'));
    cleanups.push(server.close);
    const outcome = await runOpenLoop({ url: server.url, headers: {}, bodies: [Buffer.alloc(1024, 1), Buffer.alloc(10, 2)], rate: 100, connections: 1000, durationSeconds: 0.2, timeoutSeconds: 30 });
    expect(outcome.started).toBe(20);
    expect(outcome.notStarted).toBe(0);
    expect(outcome.byStatus.get(503)).toHaveLength(20);
    expect(outcome.successInWindow).toBe(0);
    expect(server.received()).toBe(20);
  });

  it('never waits for a busy socket: starts beyond the connection count are skipped and counted; answers after the window are not goodput', async () => {
    const held: http.ServerResponse[] = [];
    const server = await serve((response) => held.push(response));
    cleanups.push(server.close);
    const outcome = await runOpenLoop({
      url: server.url,
      headers: {},
      bodies: [Buffer.alloc(64 * 1024, 3)],
      rate: 50,
      connections: 2,
      durationSeconds: 0.2,
      timeoutSeconds: 30,
      // Both requests are still held when the schedule ends; only then are they answered.
      onScheduleEnd: () => {
        const release = () => (held.length === 2 ? held.splice(0).forEach((response) => response.writeHead(200).end('{}')) : setImmediate(release));
        release();
      },
    });
    expect(outcome.started).toBe(2);
    expect(outcome.notStarted).toBe(8);
    expect(outcome.peakInFlight).toBe(2);
    expect(outcome.byStatus.get(200)).toHaveLength(2);
    expect(outcome.successInWindow).toBe(0);
    expect(outcome.answeredAfterWindow).toBe(2);
  });
});
