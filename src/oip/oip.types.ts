import type { Tensor } from '../../engines/sdk/index.js';

/**
 * The Open Inference Protocol request and response, independent of the transport. The REST
 * controller and the gRPC service each translate their wire format to and from these.
 */
export interface OipInput {
  name: string;
  datatype: string;
  shape: number[];
  /** Flat, row-major values (JSON numbers, booleans or strings), however they arrived. */
  values: unknown[];
}

export interface OipRequestedOutput {
  name: string;
  /** REST binary tensor data extension: return this output as raw bytes. */
  binary?: boolean;
}

export interface OipInferRequest {
  id?: string;
  priority: number;
  timeoutMs?: number;
  inputs: OipInput[];
  /** Absent: every output of the model, in signature order. */
  outputs?: OipRequestedOutput[];
  /** REST binary extension: the default for outputs that do not say. */
  binaryOutputs?: boolean;
}

export interface OipOutput {
  name: string;
  datatype: string;
  shape: number[];
  tensor: Tensor;
  binary: boolean;
}

export interface OipInferResult {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: OipOutput[];
}

export interface OipTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface OipModelMetadata {
  name: string;
  id: string;
  versions: string[];
  platform: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
  properties: Record<string, string>;
}

export interface OipServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/** What a caller on either transport needs from its connection. */
export interface OipCallContext {
  /** Fires when the client has gone away. */
  signal?: AbortSignal;
  /** Told which model the call resolved to (for access logs). */
  onModel?: (modelId: string) => void;
}
