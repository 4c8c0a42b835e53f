/**
 * Just enough of onnx-proto to write the benchmark's models: float initializers, value infos,
 * nodes with int/ints attributes, and the model envelope.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const OPSET = 13;

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttr(name: string, values: number[]): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

export function node(opType: string, inputs: string[], outputs: string[], attribute: AttributeProto[] = []): NodeProto {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

function valueInfo(name: string, shape: Array<number | string>) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) } } } };
}

export interface GraphSpec {
  name: string;
  input: { name: string; shape: Array<number | string> };
  output: { name: string; shape: Array<number | string> };
  nodes: NodeProto[];
  initializers: TensorProto[];
}

export function writeOnnxModel(path: string, graph: GraphSpec): void {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'modelport-bench',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(graph.input.name, graph.input.shape)],
      output: [valueInfo(graph.output.name, graph.output.shape)],
    },
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}

/** Deterministic mulberry32, so every run benchmarks identical weights. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** He-style uniform initialisation: keeps activations in a sane range through deep ReLU stacks. */
export function heUniform(count: number, fanIn: number, random: () => number): Float32Array {
  const limit = Math.sqrt(6 / fanIn);
  const values = new Float32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = (random() * 2 - 1) * limit;
  return values;
}

export function smallUniform(count: number, scale: number, random: () => number): Float32Array {
  const values = new Float32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = (random() * 2 - 1) * scale;
  return values;
}
