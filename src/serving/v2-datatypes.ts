import type { DType, Dim } from '../../engines/sdk/index.js';
import { isDynamicDim } from '../../engines/sdk/index.js';

/** Open Inference Protocol datatype names for our dtypes. */
const TO_V2: Record<DType, string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};
const FROM_V2 = new Map(Object.entries(TO_V2).map(([dtype, v2]) => [v2, dtype as DType]));

export function toV2Datatype(dtype: DType | string): string {
  return TO_V2[dtype as DType] ?? dtype.toUpperCase();
}

export function fromV2Datatype(datatype: unknown): DType | undefined {
  return typeof datatype === 'string' ? FROM_V2.get(datatype.toUpperCase()) : undefined;
}

/** Dynamic dimensions are -1 in v2 metadata. */
export function toV2Shape(shape: Dim[]): number[] {
  return shape.map((dim) => (isDynamicDim(dim) ? -1 : (dim as number)));
}

/** The v2 `platform` string for an engine and artifact format. */
export function v2Platform(engine: string, format: string): string {
  if (engine === 'onnxruntime') return 'onnxruntime_onnx';
  if (engine === 'tensorrt') return 'tensorrt_plan';
  if (engine === 'tensorflow') return format === 'savedmodel' ? 'tensorflow_savedmodel' : 'tensorflow_tfjs';
  return engine;
}
