/**
 * A model that really costs memory: y = 2x + 1 + offset for x [batch, 4] float32, where `offset`
 * comes out of a lookup table of `tableMb` megabytes that the graph reads at run time (a Gather
 * whose indices depend on the input, so no optimiser can fold the table away). Loading it makes
 * the engine hold the whole table, so ten of them need ten times that much resident memory, and
 * each answers with its own offset, which shows the request reached the right model.
 */
import { floatTensor, intAttr, intsAttr, node, writeOnnxModel } from './onnx-writer.js';

const MB = 1024 * 1024;
const ROW_BYTES = 4 * 4;
/** ONNX TensorProto.DataType INT64, the type Gather's indices take. */
const INT64 = 7;

export interface HeavyModelInfo {
  path: string;
  offset: number;
  tableBytes: number;
}

export function writeHeavyModel(path: string, options: { tableMb: number; offset: number }): HeavyModelInfo {
  const rows = Math.max(1, Math.floor((options.tableMb * MB) / ROW_BYTES));
  const table = new Float32Array(rows * 4);
  // Row 0 holds the offset; every other row is filler that is never read but must be resident.
  table.fill(0.5);
  table.fill(options.offset, 0, 4);
  writeOnnxModel(path, {
    name: 'heavy_add',
    input: { name: 'x', shape: ['batch', 4] },
    output: { name: 'y', shape: ['batch', 4] },
    initializers: [floatTensor('table', [rows, 4], table), floatTensor('two', [], Float32Array.of(2)), floatTensor('one', [], Float32Array.of(1)), floatTensor('zero', [], Float32Array.of(0))],
    nodes: [
      // Index 0 for every row, computed from x so the lookup happens at run time.
      node('ReduceMax', ['x'], ['row_max'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
      node('Mul', ['row_max', 'zero'], ['row_zero']),
      node('Cast', ['row_zero'], ['row_index'], [intAttr('to', INT64)]),
      node('Gather', ['table', 'row_index'], ['offset_rows'], [intAttr('axis', 0)]),
      node('Mul', ['x', 'two'], ['doubled']),
      node('Add', ['doubled', 'one'], ['plus_one']),
      node('Add', ['plus_one', 'offset_rows'], ['y']),
    ],
  });
  return { path, offset: options.offset, tableBytes: rows * ROW_BYTES };
}

/** What a heavy model with `offset` answers for `input` (float32 arithmetic, as the engine does it). */
export function expectedHeavyOutput(input: ArrayLike<number>, offset: number): number[] {
  return Array.from(input, (value) => Math.fround(Math.fround(Math.fround(value * 2) + 1) + offset));
}
