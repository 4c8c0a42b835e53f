/**
 * A 32×32 classifier small enough that HTTP, decoding and queueing dominate its cost: it shows
 * per-request overhead rather than engine speed.
 */
import type { BuiltModel } from './mobilenetv2.js';
import { floatTensor, heUniform, intAttr, intsAttr, node, seededRandom, smallUniform, writeOnnxModel } from './onnx-writer.js';

export function buildTinyClassifier(path: string, options: { size?: number; classes?: number; filters?: number } = {}): BuiltModel {
  const size = options.size ?? 32;
  const classes = options.classes ?? 10;
  const filters = options.filters ?? 8;
  const random = seededRandom(7);
  writeOnnxModel(path, {
    name: 'tiny_classifier',
    input: { name: 'input', shape: ['batch', 3, size, size] },
    output: { name: 'probabilities', shape: ['batch', classes] },
    initializers: [
      floatTensor('conv_w', [filters, 3, 3, 3], heUniform(filters * 27, 27, random)),
      floatTensor('conv_b', [filters], smallUniform(filters, 0.01, random)),
      floatTensor('fc_w', [filters, classes], smallUniform(filters * classes, 1, random)),
      floatTensor('fc_b', [classes], smallUniform(classes, 0.01, random)),
    ],
    nodes: [
      node('Conv', ['input', 'conv_w', 'conv_b'], ['conv'], [intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1])]),
      node('Relu', ['conv'], ['relu']),
      node('GlobalAveragePool', ['relu'], ['pooled']),
      node('Flatten', ['pooled'], ['flat'], [intAttr('axis', 1)]),
      node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], [intAttr('axis', 1)]),
    ],
  });
  return { path, name: 'tiny32', inputName: 'input', outputName: 'probabilities', size, classes, parameters: filters * 27 + filters + filters * classes + classes };
}
