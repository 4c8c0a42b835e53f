import { waitFor } from '../helpers/child-server.js';
import { chelseaPng, imageForm, infer } from '../serving/serving-helpers.js';

export interface LoadResult {
  /** performance.now() when the request was sent: orders it against events such as a kill. */
  startedAt: number;
  status: number;
  code?: string;
}

export interface Load {
  readonly results: LoadResult[];
  /** Resolves once `count` requests (matching `which`, if given) have finished. */
  completed(count: number, which?: (result: LoadResult) => boolean): Promise<void>;
  /** Stops sending, waits for the requests in flight, and returns every result. */
  stop(): Promise<LoadResult[]>;
}

/** `concurrency` loops each sending one inference call after another until stopped. A transport error counts as status 0. */
export function startLoad(url: string, token: string, modelId: string, concurrency: number): Load {
  const results: LoadResult[] = [];
  const image = chelseaPng();
  let stopping = false;
  const loop = async () => {
    while (!stopping) {
      const startedAt = performance.now();
      const result = await infer(url, token, modelId, { body: imageForm([image]) }).then(
        (res): LoadResult => ({ startedAt, status: res.status, ...(res.status !== 200 ? { code: res.body?.error?.code } : {}) }),
        (error: Error): LoadResult => ({ startedAt, status: 0, code: error.message }),
      );
      results.push(result);
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    results,
    completed: (count, which) => waitFor(() => ((which ? results.filter(which).length : results.length) >= count ? true : undefined), `${count} requests under load`, 120_000).then(() => undefined),
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return results;
    },
  };
}
