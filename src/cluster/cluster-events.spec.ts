import { describe, expect, it } from 'vitest';
import { parseClusterEvent } from './cluster-events.js';

describe('parseClusterEvent', () => {
  it('reads the four event kinds', () => {
    expect(parseClusterEvent('{"type":"sessions","userId":"u1","extra":1}')).toEqual({ type: 'sessions', userId: 'u1' });
    expect(parseClusterEvent('{"type":"token","tokenId":"t1","newSecretHash":"h"}')).toEqual({ type: 'token', tokenId: 't1', newSecretHash: 'h' });
    expect(parseClusterEvent('{"type":"token","tokenId":"t1"}')).toEqual({ type: 'token', tokenId: 't1' });
    expect(parseClusterEvent('{"type":"model","modelId":"m1"}')).toEqual({ type: 'model', modelId: 'm1' });
    expect(parseClusterEvent('{"type":"resync"}')).toEqual({ type: 'resync' });
  });

  it('drops anything malformed instead of throwing, and keeps only known fields', () => {
    for (const text of ['', 'not json', 'null', '42', '[]', '{"type":"token"}', '{"type":"token","tokenId":7}', '{"type":"model","modelId":null}', '{"type":"sessions"}', '{"type":"sessions","userId":3}', '{"type":"other"}', '{"__proto__":{"type":"resync"}}']) {
      expect(parseClusterEvent(text), text).toBeNull();
    }
    expect(parseClusterEvent('{"type":"model","modelId":"m","extra":"x"}')).toEqual({ type: 'model', modelId: 'm' });
    expect(parseClusterEvent('{"type":"token","tokenId":"t","newSecretHash":5}')).toEqual({ type: 'token', tokenId: 't' });
  });
});
