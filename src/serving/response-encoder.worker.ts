import { parentPort } from 'node:worker_threads';
import { EncodeError, encodeItem, type EncodeJob, type EncodingConfig } from './response-encoding.js';
import type { EncoderReply, EncoderRequest } from './response-encoder.js';

/**
 * An encoder thread: postprocesses and encodes items' outputs and sends the finished bytes back
 * by transfer. Deployment configs (labels can be thousands of strings) arrive once per thread and
 * are kept by key; a thread that does not know a key asks for it again (after a respawn).
 */
const MAX_CONFIGS = 256;
const configs = new Map<number, EncodingConfig>();
const port = parentPort;
if (!port) throw new Error('the response encoder must run in a worker thread');

port.on('message', ({ id, method, payload }: { id: number; method: string; payload: EncoderRequest }) => {
  const reply = (result: EncoderReply, transfer: ArrayBuffer[] = []) => port.postMessage({ id, ok: true, result }, transfer);
  try {
    if (method !== 'encode') throw new Error(`unknown method ${method}`);
    if (payload.config) remember(payload.configKey, payload.config);
    const config = configs.get(payload.configKey);
    if (!config) return reply({ status: 'unknown-config' });
    const encoded = encodeItem(config, payload.job as EncodeJob);
    reply({ status: 'ok', encoded }, [encoded.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    if (error instanceof EncodeError) return reply({ status: 'failed', failure: error.failure });
    port.postMessage({ id, ok: false, error: { code: 'ENCODE_FAILED', message: error instanceof Error ? error.message : String(error) } });
  }
});

function remember(key: number, config: EncodingConfig): void {
  configs.delete(key);
  configs.set(key, config);
  if (configs.size > MAX_CONFIGS) configs.delete(configs.keys().next().value as number);
}
