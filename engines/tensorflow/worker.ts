/**
 * Worker thread owning one TF.js model. The wasm backend computes on the calling thread, so
 * running it here keeps the host's event loop free; a crash here fails only this model's calls.
 */
import { EngineError, dummyInputs, serveWorker, type DType, type Dim, type ModelSignature, type NamedTensors, type TensorSpec } from '../sdk/index.js';
import { loadBackend, type LoadedBackend } from './backend.js';
import { directoryLoadHandler, isGraphModel, readModelJson } from './directory-handler.js';

export interface TfLoadPayload {
  format: string;
  path: string;
}

type AnyModel = any;
interface Runner {
  signature: ModelSignature;
  run(inputs: NamedTensors): Promise<NamedTensors>;
  dispose(): void;
}

let backendPromise: Promise<LoadedBackend> | undefined;
let runner: Runner | undefined;

const backend = () => (backendPromise ??= loadBackend());

const TF_DTYPES: Record<string, DType> = { float32: 'float32', int32: 'int32', bool: 'bool', string: 'string' };

function toDtype(dtype: string | undefined, name: string): DType {
  const mapped = TF_DTYPES[dtype ?? 'float32'];
  if (!mapped) throw new EngineError('UNSUPPORTED_MODEL', `"${name}" has dtype ${dtype}, which Modelport cannot feed`);
  return mapped;
}

function toShape(shape: readonly (number | null)[] | undefined): Dim[] {
  return (shape ?? []).map((dim) => (dim === null || dim === undefined || dim < 0 ? -1 : dim));
}

async function collect(tf: LoadedBackend['tf'], names: string[], produced: any): Promise<NamedTensors> {
  const tensors: any[] = Array.isArray(produced) ? produced : [produced];
  const outputs: NamedTensors = {};
  try {
    for (let index = 0; index < tensors.length; index += 1) {
      const tensor = tensors[index];
      const data = tensor.dtype === 'string' ? ((await tensor.array()) as unknown[]).flat(Infinity).map(String) : await tensor.data();
      outputs[names[index] ?? `output_${index}`] = { dtype: toDtype(tensor.dtype, names[index]), shape: [...tensor.shape], data };
    }
  } finally {
    tf.dispose(tensors);
  }
  return outputs;
}

function feed(tf: LoadedBackend['tf'], inputs: NamedTensors, names: string[]): any[] {
  return names.map((name) => tf.tensor(inputs[name].data as any, inputs[name].shape, inputs[name].dtype as any));
}

async function openLayersOrGraph(tf: LoadedBackend['tf'], dir: string): Promise<Runner> {
  const json = await readModelJson(dir);
  const handler = directoryLoadHandler(dir, json);
  if (isGraphModel(json)) {
    const model: AnyModel = await tf.loadGraphModel(handler as any);
    const inputs: TensorSpec[] = model.inputs.map((info: any) => ({ name: info.name, dtype: toDtype(info.dtype, info.name), shape: toShape(info.shape) }));
    const outputs: TensorSpec[] = model.outputs.map((info: any) => ({ name: info.name, dtype: toDtype(info.dtype ?? 'float32', info.name), shape: toShape(info.shape) }));
    const inputNames = inputs.map((spec) => spec.name);
    const outputNames = outputs.map((spec) => spec.name);
    // Graphs with control flow need executeAsync; the rest run faster (and quieter) with execute.
    let needsAsync = false;
    const run = async (named: NamedTensors): Promise<NamedTensors> => {
      const tensors = feed(tf, named, inputNames);
      try {
        const map = Object.fromEntries(inputNames.map((name, index) => [name, tensors[index]]));
        if (!needsAsync) {
          try {
            return await collect(tf, outputNames, model.execute(map, outputNames));
          } catch (error) {
            if (!/executeAsync/.test((error as Error).message)) throw error;
            needsAsync = true;
          }
        }
        return await collect(tf, outputNames, await model.executeAsync(map, outputNames));
      } finally {
        tf.dispose(tensors);
      }
    };
    await inferUnknownOutputShapes({ inputs, outputs }, run);
    return { signature: { inputs, outputs }, run, dispose: () => model.dispose() };
  }
  const model: AnyModel = await tf.loadLayersModel(handler as any);
  const inputNames: string[] = model.inputNames;
  const outputNames: string[] = model.outputNames;
  const inputs = model.inputs.map((tensor: any, index: number) => ({ name: inputNames[index], dtype: toDtype(tensor.dtype, inputNames[index]), shape: toShape(tensor.shape) }));
  const outputs = model.outputs.map((tensor: any, index: number) => ({ name: outputNames[index], dtype: toDtype(tensor.dtype, outputNames[index]), shape: toShape(tensor.shape) }));
  return {
    signature: { inputs, outputs },
    async run(named) {
      const tensors = feed(tf, named, inputNames);
      try {
        return await collect(tf, outputNames, model.predict(tensors.length === 1 ? tensors[0] : tensors));
      } finally {
        tf.dispose(tensors);
      }
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Converted graphs often carry no output shapes; one zero-input run reveals their rank, and the
 * leading dimension follows the input batch when that is dynamic.
 */
async function inferUnknownOutputShapes(signature: ModelSignature, run: (inputs: NamedTensors) => Promise<NamedTensors>): Promise<void> {
  if (signature.outputs.every((spec) => spec.shape.length > 0)) return;
  let produced: NamedTensors;
  try {
    produced = await run(dummyInputs(signature));
  } catch {
    return; // validate()'s own dummy run reports the failure
  }
  const dynamicBatch = signature.inputs.length > 0 && signature.inputs.every((spec) => spec.shape[0] === -1 || typeof spec.shape[0] === 'string');
  for (const spec of signature.outputs) {
    const actual = produced[spec.name];
    if (spec.shape.length > 0 || !actual) continue;
    spec.shape = actual.shape.map((dim, axis) => (axis === 0 && dynamicBatch ? -1 : dim));
  }
}

async function openSavedModel(loaded: LoadedBackend, dir: string): Promise<Runner> {
  if (!loaded.tf.node) {
    throw new EngineError('UNSUPPORTED_FORMAT', `SavedModel needs the tfjs-node or tfjs-node-gpu backend; this host runs ${loaded.name} (${loaded.reasons.join('; ')})`);
  }
  const model: AnyModel = await loaded.tf.node.loadSavedModel(dir);
  const specs = (infos: any[]): TensorSpec[] => infos.map((info) => ({ name: info.name, dtype: toDtype(info.dtype, info.name), shape: toShape(info.shape) }));
  const signature = { inputs: specs(model.inputs), outputs: specs(model.outputs) };
  const inputNames = signature.inputs.map((spec) => spec.name);
  const outputNames = signature.outputs.map((spec) => spec.name);
  return {
    signature,
    async run(named) {
      const tensors = feed(loaded.tf, named, inputNames);
      try {
        const map = Object.fromEntries(inputNames.map((name, index) => [name, tensors[index]]));
        const produced = model.predict(map);
        const ordered = Array.isArray(produced) || produced.shape ? produced : outputNames.map((name) => produced[name]);
        return await collect(loaded.tf, outputNames, ordered);
      } finally {
        loaded.tf.dispose(tensors);
      }
    },
    dispose: () => model.dispose(),
  };
}

serveWorker({
  async load(payload: TfLoadPayload) {
    const loaded = await backend();
    try {
      runner = payload.format === 'savedmodel' ? await openSavedModel(loaded, payload.path) : await openLayersOrGraph(loaded.tf, payload.path);
    } catch (error) {
      if (error instanceof EngineError) throw error;
      const message = (error as Error).message;
      const code = /not (yet )?(supported|implemented)|unknown op|Unknown layer/i.test(message) ? 'UNSUPPORTED_OPERATOR' : 'MODEL_UNREADABLE';
      throw new EngineError(code, message);
    }
    return { signature: runner.signature };
  },

  async run({ inputs }) {
    if (!runner) throw new EngineError('MODEL_NOT_LOADED', 'no model is loaded in this worker');
    return runner.run(inputs);
  },

  async backend() {
    const loaded = await backend();
    return { name: loaded.name, reasons: loaded.reasons };
  },
});
