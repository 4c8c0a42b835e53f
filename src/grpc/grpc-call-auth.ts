import { Injectable } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import type { FastifyRequest } from 'fastify';
import { ACCESS_TOKEN_HEADER } from '../auth/auth.decorator.js';
import { ExternalAuthenticator } from '../auth/authenticators.js';
import { TokenUsageTracker } from '../tokens/token-usage.tracker.js';

/** "ipv4:127.0.0.1:5000" / "ipv6:[::1]:5000" → the address alone. */
export function peerAddress(peer: string): string | undefined {
  const match = /^(?:ipv4:)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(peer) ?? /^(?:ipv6:)?\[([^\]]+)\](?::\d+)?$/.exec(peer);
  return match?.[1];
}

/** A settled call's usage: `refund` gives the quota unit back when the call did not succeed. */
export interface GrpcCallUsage {
  refund(): void;
}

/**
 * The access-token check of the REST routes, applied to a gRPC call: the token comes from the
 * `authorization: Bearer …` or `x-access-token` metadata, and every check (revoked, expired,
 * IP allow-list, model allow-list, rate limit, monthly quota) runs through the same authenticator.
 */
@Injectable()
export class GrpcCallAuth {
  constructor(
    private readonly authenticator: ExternalAuthenticator,
    private readonly usage: TokenUsageTracker,
  ) {}

  async authenticate(metadata: Metadata, peer: string, model: string, countsUsage: boolean): Promise<GrpcCallUsage> {
    const first = (key: string) => {
      const value = metadata.get(key)[0];
      return typeof value === 'string' ? value : undefined;
    };
    const address = peerAddress(peer);
    // The authenticator reads what it needs from a request: headers, the model param, the peer.
    const request = {
      headers: { [ACCESS_TOKEN_HEADER]: first(ACCESS_TOKEN_HEADER), authorization: first('authorization') },
      params: { name: model },
      socket: { remoteAddress: address },
      ip: address,
    } as unknown as FastifyRequest;
    await this.authenticator.authenticate(request, { kind: 'external', modelParam: 'name', countsUsage });
    const charge = request.usageCharge;
    return { refund: () => charge && this.usage.refund(charge.tokenId, charge.consumedAt) };
  }
}
