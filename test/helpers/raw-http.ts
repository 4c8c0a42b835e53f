/** Raw HTTP/1.1 exchanges for tests that must control every byte a client sends. */
import { connect, type Socket } from 'node:net';

export interface RawExchange {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  /** The response (head and Content-Length body), as soon as it is complete, closed or not. */
  answered: Promise<string>;
  /** Resolves when the server half-closed (sent FIN); the socket may still be written to. */
  ended: Promise<void>;
}

function completeResponse(received: string): string | undefined {
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd))?.[1] ?? 0);
  return received.length >= headEnd + 4 + length ? received.slice(0, headEnd + 4 + length) : undefined;
}

/**
 * Opens a raw connection and sends `head` (request line, headers, part of a body; one byte per
 * character), then nothing more. With `halfOpen`, the server's FIN does not end the client's side:
 * the test may go on writing, as a client still uploading would.
 */
export function stall(url: string, head: string, options: { halfOpen?: boolean } = {}): Promise<RawExchange> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: options.halfOpen ?? false }, () => {
      socket.write(Buffer.from(head, 'latin1'));
      resolve({ socket, closed, answered, ended });
    });
    let received = '';
    let answer: (response: string) => void = () => undefined;
    const answered = new Promise<string>((done) => (answer = done));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const response = completeResponse(received);
      if (response) answer(response);
    });
    const ended = new Promise<void>((done) => socket.once('end', () => done()));
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
}

export function errorCodeOf(raw: string): string | undefined {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  try {
    return JSON.parse(body).error.code;
  } catch {
    return undefined;
  }
}

