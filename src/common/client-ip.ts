import ipaddr from 'ipaddr.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type IpRange = [IpAddress, number];

/** What the resolver needs from a request; a FastifyRequest satisfies it. */
export interface ClientIpSource {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string } | null;
  ip?: string;
}

/** Returned when the peer address is unknown (socket already gone); it matches no range. */
export const UNKNOWN_CLIENT_IP = 'unknown';

/**
 * Parses an address strictly: IPv4 only in dotted four-part decimal (ipaddr.js would otherwise
 * accept "127.1" or hex octets), IPv6 with an optional zone, IPv4-mapped IPv6 unwrapped to IPv4.
 */
export function parseIp(text: string): IpAddress | null {
  const value = text.trim();
  if (value.length === 0 || value.length > 64) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (!value.includes(':') || !ipaddr.IPv6.isValid(value)) return null;
  const v6 = ipaddr.IPv6.parse(value);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** Canonical text of an address (IPv4 dotted, IPv6 RFC 5952), or null when it is not one. */
export function normalizeIp(text: string): string | null {
  const parsed = parseIp(text);
  return parsed ? parsed.toString() : null;
}

/**
 * Parses "203.0.113.7", "10.0.0.0/8" or "2001:db8::/32" into a range; a bare address is a
 * single-host range. An IPv4-mapped IPv6 range is rewritten as the IPv4 range it covers so it
 * matches normalised client addresses. Returns null for anything malformed.
 */
export function parseIpRange(text: string): IpRange | null {
  const value = text.trim();
  const slash = value.indexOf('/');
  if (slash === -1) {
    const address = parseIp(value);
    return address ? [address, address.kind() === 'ipv4' ? 32 : 128] : null;
  }
  const addressPart = value.slice(0, slash);
  const prefixPart = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixPart)) return null;
  const prefix = Number(prefixPart);
  if (ipaddr.IPv4.isValidFourPartDecimal(addressPart)) {
    return prefix <= 32 ? [ipaddr.IPv4.parse(addressPart), prefix] : null;
  }
  if (!addressPart.includes(':') || !ipaddr.IPv6.isValid(addressPart) || prefix > 128) return null;
  const v6 = ipaddr.IPv6.parse(addressPart);
  if (v6.isIPv4MappedAddress() && prefix >= 96) return [v6.toIPv4Address(), prefix - 96];
  return [v6, prefix];
}

/** A compiled list of ranges; `matches` never throws, whatever the input. */
export class IpRangeList {
  private constructor(private readonly ranges: IpRange[]) {}

  /** Compiles a list; throws with the offending entry when one is malformed. */
  static compile(entries: readonly string[]): IpRangeList {
    const ranges = entries.map((entry) => {
      const range = parseIpRange(entry);
      if (!range) throw new Error(`Not an IP address or CIDR range: ${JSON.stringify(entry)}`);
      return range;
    });
    return new IpRangeList(ranges);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  matches(ip: string | IpAddress | null): boolean {
    const address = typeof ip === 'string' ? parseIp(ip) : ip;
    if (!address) return false;
    return this.ranges.some(([network, prefix]) => network.kind() === address.kind() && address.match(network, prefix));
  }
}

// Config arrays live for the whole process, so compiling each once is enough.
const compiledProxyLists = new WeakMap<readonly string[], IpRangeList>();

function trustedProxyList(trustedProxies: readonly string[]): IpRangeList {
  let compiled = compiledProxyLists.get(trustedProxies);
  if (!compiled) {
    compiled = IpRangeList.compile(trustedProxies);
    compiledProxyLists.set(trustedProxies, compiled);
  }
  return compiled;
}

/** Strips a port or brackets a proxy may have added ("1.2.3.4:80", "[2001:db8::1]:443"). */
function stripPort(hop: string): string {
  const value = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  return v4WithPort ? v4WithPort[1] : value;
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The address of the client that made a request. The socket peer is the answer unless that peer
 * is one of `trustedProxies` (CIDRs); only then are X-Forwarded-For (walked right to left, the
 * first hop that is not itself a trusted proxy wins) and, failing that, X-Real-IP believed.
 * A malformed forwarded hop stops the walk at the last address known to be good, so a client
 * cannot smuggle an arbitrary value past a proxy. IPv4-mapped IPv6 peers come back as IPv4.
 */
export function resolveClientIp(request: ClientIpSource, trustedProxies: readonly string[]): string {
  const peerText = request.socket?.remoteAddress ?? request.ip;
  const peer = peerText ? parseIp(peerText) : null;
  if (!peer) return UNKNOWN_CLIENT_IP;
  const trusted = trustedProxyList(trustedProxies);
  if (trusted.isEmpty || !trusted.matches(peer)) return peer.toString();

  const forwarded = headerValues(request.headers['x-forwarded-for'])
    .join(',')
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  if (forwarded.length > 0) {
    let current = peer;
    for (let index = forwarded.length - 1; index >= 0; index--) {
      const hop = parseIp(stripPort(forwarded[index]));
      if (!hop) return current.toString();
      current = hop;
      if (!trusted.matches(hop)) return hop.toString();
    }
    return current.toString();
  }

  const realIp = headerValues(request.headers['x-real-ip'])[0];
  const real = realIp ? parseIp(stripPort(realIp)) : null;
  return (real ?? peer).toString();
}
