/**
 * MobileNetV2 (Sandler et al., 2018) at 224×224 with random weights: the real architecture, so its
 * compute and memory traffic match the pretrained network. Batch norm is folded into conv biases,
 * as exporters do for inference graphs.
 */
import { GraphSpec, NodeProto, TensorProto, floatTensor, heUniform, intAttr, intsAttr, node, seededRandom, smallUniform, writeOnnxModel } from './onnx-writer.js';

/** [expansion t, output channels c, repeats n, first stride s] from the paper's Table 2. */
const INVERTED_RESIDUAL_SETTINGS: Array<[number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export interface BuiltModel {
  path: string;
  name: string;
  inputName: string;
  outputName: string;
  size: number;
  /** 0 for a dense-output model (a probability map instead of class scores). */
  classes: number;
  parameters: number;
}

class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  parameters = 0;
  private counter = 0;
  constructor(private readonly random: () => number) {
    this.initializers.push(floatTensor('relu6_min', [], Float32Array.of(0)), floatTensor('relu6_max', [], Float32Array.of(6)));
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  /** Conv (+ folded BN bias), optionally followed by ReLU6 (Clip 0..6). */
  conv(input: string, inChannels: number, outChannels: number, kernel: number, stride: number, groups: number, relu6: boolean): string {
    const weight = this.fresh('w');
    const bias = this.fresh('b');
    const perGroupIn = inChannels / groups;
    const weightCount = outChannels * perGroupIn * kernel * kernel;
    this.initializers.push(
      floatTensor(weight, [outChannels, perGroupIn, kernel, kernel], heUniform(weightCount, perGroupIn * kernel * kernel, this.random)),
      floatTensor(bias, [outChannels], smallUniform(outChannels, 0.01, this.random)),
    );
    this.parameters += weightCount + outChannels;
    const pad = (kernel - 1) / 2;
    const output = this.fresh('conv');
    this.nodes.push(
      node('Conv', [input, weight, bias], [output], [intsAttr('kernel_shape', [kernel, kernel]), intsAttr('strides', [stride, stride]), intsAttr('pads', [pad, pad, pad, pad]), intAttr('group', groups)]),
    );
    if (!relu6) return output;
    const activated = this.fresh('relu6');
    this.nodes.push(node('Clip', [output, 'relu6_min', 'relu6_max'], [activated]));
    return activated;
  }

  invertedResidual(input: string, inChannels: number, outChannels: number, stride: number, expansion: number): string {
    const hidden = inChannels * expansion;
    let x = input;
    if (expansion !== 1) x = this.conv(x, inChannels, hidden, 1, 1, 1, true);
    x = this.conv(x, hidden, hidden, 3, stride, hidden, true);
    x = this.conv(x, hidden, outChannels, 1, 1, 1, false);
    if (stride === 1 && inChannels === outChannels) {
      const sum = this.fresh('add');
      this.nodes.push(node('Add', [input, x], [sum]));
      return sum;
    }
    return x;
  }

  gemm(input: string, inFeatures: number, outFeatures: number, output: string): void {
    const weight = this.fresh('fc_w');
    const bias = this.fresh('fc_b');
    this.initializers.push(
      floatTensor(weight, [outFeatures, inFeatures], smallUniform(outFeatures * inFeatures, Math.sqrt(1 / inFeatures), this.random)),
      floatTensor(bias, [outFeatures], smallUniform(outFeatures, 0.01, this.random)),
    );
    this.parameters += outFeatures * inFeatures + outFeatures;
    this.nodes.push(node('Gemm', [input, weight, bias], [output], [intAttr('transB', 1)]));
  }
}

export function buildMobileNetV2(path: string, options: { size?: number; classes?: number; seed?: number } = {}): BuiltModel {
  const size = options.size ?? 224;
  const classes = options.classes ?? 1000;
  const builder = new GraphBuilder(seededRandom(options.seed ?? 2018));
  let x = builder.conv('input', 3, 32, 3, 2, 1, true);
  let channels = 32;
  for (const [expansion, outChannels, repeats, firstStride] of INVERTED_RESIDUAL_SETTINGS) {
    for (let index = 0; index < repeats; index += 1) {
      x = builder.invertedResidual(x, channels, outChannels, index === 0 ? firstStride : 1, expansion);
      channels = outChannels;
    }
  }
  x = builder.conv(x, channels, 1280, 1, 1, 1, true);
  builder.nodes.push(node('GlobalAveragePool', [x], ['pooled']), node('Flatten', ['pooled'], ['features'], [intAttr('axis', 1)]));
  builder.gemm('features', 1280, classes, 'logits');
  const graph: GraphSpec = {
    name: 'mobilenet_v2',
    input: { name: 'input', shape: ['batch', 3, size, size] },
    output: { name: 'logits', shape: ['batch', classes] },
    nodes: builder.nodes,
    initializers: builder.initializers,
  };
  writeOnnxModel(path, graph);
  return { path, name: 'mobilenetv2', inputName: 'input', outputName: 'logits', size, classes, parameters: builder.parameters };
}
