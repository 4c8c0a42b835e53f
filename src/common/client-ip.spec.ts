import { describe, expect, it } from 'vitest';
import { IpRangeList, normalizeIp, parseIpRange, resolveClientIp, UNKNOWN_CLIENT_IP } from './client-ip.js';

const peer = (remoteAddress: string | undefined, headers: Record<string, string | string[]> = {}) => ({ headers, socket: { remoteAddress } });

describe('normalizeIp', () => {
  it('unwraps IPv4-mapped IPv6 and canonicalises IPv6', () => {
    expect(normalizeIp('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeIp('2001:DB8:0:0:0:0:0:5')).toBe('2001:db8::5');
  });
  it('rejects non-addresses and lax IPv4 spellings', () => {
    for (const bad of ['', 'localhost', '127.1', '0x7f.0.0.1', '1.2.3.4.5', '256.1.1.1', '1.2.3.4/8', 'x'.repeat(100)]) {
      expect(normalizeIp(bad)).toBeNull();
    }
  });
});

describe('IpRangeList', () => {
  it('matches IPv4 CIDRs and single hosts', () => {
    const list = IpRangeList.compile(['10.0.0.0/8', '203.0.113.7']);
    expect(list.matches('10.255.1.2')).toBe(true);
    expect(list.matches('11.0.0.1')).toBe(false);
    expect(list.matches('203.0.113.7')).toBe(true);
    expect(list.matches('203.0.113.8')).toBe(false);
  });
  it('matches IPv6 CIDRs and never crosses families', () => {
    const list = IpRangeList.compile(['2001:db8::/32']);
    expect(list.matches('2001:db8:ffff::1')).toBe(true);
    expect(list.matches('2001:db9::1')).toBe(false);
    expect(list.matches('32.1.13.184')).toBe(false);
    expect(IpRangeList.compile(['0.0.0.0/0']).matches('::1')).toBe(false);
  });
  it('matches IPv4-mapped clients against IPv4 ranges and mapped ranges against IPv4 clients', () => {
    expect(IpRangeList.compile(['127.0.0.0/8']).matches('::ffff:127.0.0.1')).toBe(true);
    expect(IpRangeList.compile(['::ffff:10.0.0.0/104']).matches('10.1.2.3')).toBe(true);
  });
  it('never matches garbage', () => {
    expect(IpRangeList.compile(['0.0.0.0/0']).matches('not-an-ip')).toBe(false);
    expect(IpRangeList.compile(['0.0.0.0/0']).matches(null)).toBe(false);
  });
  it('refuses malformed entries, naming them', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'abc', '10.0.0.0/08x', '']) {
      expect(parseIpRange(bad)).toBeNull();
      expect(() => IpRangeList.compile([bad])).toThrow(/Not an IP address/);
    }
  });
});

describe('resolveClientIp', () => {
  it('uses the socket peer and ignores forwarding headers without trusted proxies', () => {
    const request = peer('127.0.0.1', { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8' });
    expect(resolveClientIp(request, [])).toBe('127.0.0.1');
  });
  it('ignores forwarding headers from an untrusted peer', () => {
    expect(resolveClientIp(peer('198.51.100.1', { 'x-forwarded-for': '203.0.113.7' }), ['127.0.0.1/32'])).toBe('198.51.100.1');
  });
  it('normalises an IPv4-mapped peer', () => {
    expect(resolveClientIp(peer('::ffff:192.0.2.4'), [])).toBe('192.0.2.4');
  });
  it('takes the rightmost untrusted X-Forwarded-For hop behind a trusted proxy', () => {
    const request = peer('127.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.7, 10.0.0.2' });
    expect(resolveClientIp(request, ['127.0.0.1/32', '10.0.0.0/8'])).toBe('203.0.113.7');
  });
  it('joins repeated X-Forwarded-For headers and strips ports', () => {
    const request = peer('127.0.0.1', { 'x-forwarded-for': ['1.1.1.1', '203.0.113.7:5555'] });
    expect(resolveClientIp(request, ['127.0.0.0/8'])).toBe('203.0.113.7');
    expect(resolveClientIp(peer('127.0.0.1', { 'x-forwarded-for': '[2001:db8::5]:443' }), ['127.0.0.0/8'])).toBe('2001:db8::5');
  });
  it('accepts IPv6 forwarded clients', () => {
    expect(resolveClientIp(peer('127.0.0.1', { 'x-forwarded-for': '2001:db8::5' }), ['127.0.0.1/32'])).toBe('2001:db8::5');
  });
  it('stops at a malformed hop, keeping the last good address', () => {
    const request = peer('127.0.0.1', { 'x-forwarded-for': '203.0.113.7, garbage' });
    expect(resolveClientIp(request, ['127.0.0.1/32'])).toBe('127.0.0.1');
  });
  it('returns the leftmost hop when every hop is trusted', () => {
    expect(resolveClientIp(peer('127.0.0.1', { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' }), ['127.0.0.1/32', '10.0.0.0/8'])).toBe('10.0.0.1');
  });
  it('falls back to X-Real-IP, then the peer', () => {
    expect(resolveClientIp(peer('127.0.0.1', { 'x-real-ip': '203.0.113.9' }), ['127.0.0.1/32'])).toBe('203.0.113.9');
    expect(resolveClientIp(peer('127.0.0.1', { 'x-real-ip': 'nonsense' }), ['127.0.0.1/32'])).toBe('127.0.0.1');
  });
  it('reports an unknown peer as a value that matches no range', () => {
    const ip = resolveClientIp(peer(undefined), []);
    expect(ip).toBe(UNKNOWN_CLIENT_IP);
    expect(IpRangeList.compile(['0.0.0.0/0', '::/0']).matches(ip)).toBe(false);
  });
});
