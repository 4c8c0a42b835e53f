import { describe, expect, it } from 'vitest';
import { PUBLIC_REASON_MAX, publicReason } from './public-reason.js';

describe('publicReason', () => {
  it('drops absolute paths down to their last segment and keeps the message', () => {
    expect(publicReason(new Error("Load model from /srv/modelport/data/models/1b2c/v1/model.onnx failed: Protobuf parsing failed"))).toBe('Load model from …/model.onnx failed: Protobuf parsing failed');
    expect(publicReason(new Error('cannot open C:\\data\\models\\x\\weights.bin'))).toBe('cannot open …/weights.bin');
  });

  it('keeps only the first line and caps the length', () => {
    expect(publicReason(new Error('first line\n    at stack /abs/file.js:1:1'))).toBe('first line');
    const long = publicReason(new Error('x'.repeat(5000)));
    expect(long.length).toBe(PUBLIC_REASON_MAX);
  });

  it('never returns an empty reason', () => {
    expect(publicReason(new Error(''))).toBe('unknown error');
    expect(publicReason(undefined)).toBe('undefined');
  });
});
