/** Worker thread owning one ORT session, so session.run never blocks the host's event loop. */
import * as ort from 'onnxruntime-node';
import { EngineError, serveWorker, type NamedTensors, type Tensor } from '../sdk/index.js';
import { classifyLoadError, signatureFromMetadata } from './ort-types.js';

export interface OrtLoadPayload {
  path: string;
  intraOpThreads: number;
  interOpThreads: number;
  executionProviders: string[];
}

let session: ort.InferenceSession | undefined;

serveWorker({
  async load(payload: OrtLoadPayload) {
    try {
      session = await ort.InferenceSession.create(payload.path, {
        executionProviders: payload.executionProviders,
        intraOpNumThreads: payload.intraOpThreads,
        interOpNumThreads: payload.interOpThreads,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      const message = (error as Error).message;
      throw new EngineError(classifyLoadError(message), message);
    }
    try {
      return { signature: signatureFromMetadata(session.inputMetadata as never, session.outputMetadata as never) };
    } catch (error) {
      throw new EngineError('UNSUPPORTED_MODEL', (error as Error).message);
    }
  },

  async run({ inputs }: { inputs: NamedTensors }) {
    if (!session) throw new EngineError('MODEL_NOT_LOADED', 'no model is loaded in this worker');
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(inputs)) {
      feeds[name] = new ort.Tensor(tensor.dtype as never, tensor.data as never, tensor.shape);
    }
    const results = await session.run(feeds);
    const outputs: NamedTensors = {};
    for (const [name, value] of Object.entries(results)) {
      outputs[name] = { dtype: value.type as Tensor['dtype'], shape: [...value.dims], data: value.data as Tensor['data'] };
      value.dispose();
    }
    return outputs;
  },

  async dispose() {
    await session?.release();
    session = undefined;
    return null;
  },
});
