import type { OnModuleDestroy } from '@nestjs/common';
import { transferListOf, WorkerChannel, workerSpawner } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { EncodedItem, EncodeError, EncodeFailure, encodeItem, EncodeJob, EncodingConfig, outputElements } from './response-encoding.js';

export interface EncoderRequest {
  configKey: number;
  /** Sent the first time a thread (or its replacement after a crash) sees the key. */
  config?: EncodingConfig;
  job: EncodeJob;
}

export type EncoderReply = { status: 'ok'; encoded: EncodedItem } | { status: 'failed'; failure: EncodeFailure } | { status: 'unknown-config' };

export class ResponseEncoderOptions {
  constructor(
    /** 0 encodes on the calling thread. */
    readonly threads: number,
    /**
     * Items with fewer output elements are encoded on the calling thread: below this the message
     * to a thread and back costs the event loop more than the encoding itself.
     */
    readonly inlineBelowElements = DEFAULT_INLINE_BELOW_ELEMENTS,
  ) {}
}

export const DEFAULT_INLINE_BELOW_ELEMENTS = 2048;

interface EncoderThread {
  channel: WorkerChannel;
  pending: number;
  knownConfigs: Set<number>;
}

/**
 * Postprocessing and response encoding off the event loop: a small pool of worker threads gets
 * each item's outputs by transfer and sends back the finished bytes by transfer, so the main
 * thread only concatenates and writes them. Threads start on first use.
 */
export class ResponseEncoder implements OnModuleDestroy {
  private readonly threads: EncoderThread[] = [];
  private readonly configKeys = new WeakMap<EncodingConfig, number>();
  private nextConfigKey = 1;

  constructor(private readonly options: ResponseEncoderOptions) {
    const spawn = workerSpawner(import.meta.url, 'response-encoder.worker');
    for (let index = 0; index < options.threads; index++) this.threads.push({ channel: new WorkerChannel(spawn), pending: 0, knownConfigs: new Set() });
  }

  /**
   * Encodes one item. `config` should be the same object for every item of a deployment (threads
   * keep it by identity). The item's output buffers move to the encoder thread: the caller must
   * not read them afterwards.
   */
  async encode(config: EncodingConfig, job: EncodeJob): Promise<EncodedItem> {
    if (this.threads.length === 0 || outputElements(job.outputs) < this.options.inlineBelowElements) return encodeInline(config, job);
    const thread = this.threads.reduce((best, candidate) => (candidate.pending < best.pending ? candidate : best));
    const configKey = this.keyOf(config);
    thread.pending++;
    try {
      const reply = await this.call(thread, configKey, config, job);
      if (reply.status === 'failed') throw toApiError(reply.failure);
      if (reply.status !== 'ok') throw new Error('the encoder thread did not have the deployment config');
      return asBuffers(reply.encoded);
    } finally {
      thread.pending--;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.channel.terminate()));
  }

  private call(thread: EncoderThread, configKey: number, config: EncodingConfig, job: EncodeJob): Promise<EncoderReply> {
    // A thread that is not alive is spawned afresh by the call and knows no config yet.
    if (!thread.channel.alive) thread.knownConfigs.clear();
    const request: EncoderRequest = { configKey, job, config: thread.knownConfigs.has(configKey) ? undefined : config };
    thread.knownConfigs.add(configKey);
    const transfer = transferListOf(job.outputs);
    return thread.channel.call<EncoderReply>('encode', request, undefined, transfer);
  }

  private keyOf(config: EncodingConfig): number {
    let key = this.configKeys.get(config);
    if (key === undefined) this.configKeys.set(config, (key = this.nextConfigKey++));
    return key;
  }
}

function encodeInline(config: EncodingConfig, job: EncodeJob): EncodedItem {
  try {
    return encodeItem(config, job);
  } catch (error) {
    if (error instanceof EncodeError) throw toApiError(error.failure);
    throw error;
  }
}

function toApiError(failure: EncodeFailure): ApiError {
  return new ApiError(failure.status, failure.code, failure.message, failure.details);
}

/** A transferred Buffer arrives as a plain Uint8Array: wrap it again without copying. */
function asBuffers(encoded: EncodedItem): EncodedItem {
  return { ...encoded, bytes: Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength) };
}
