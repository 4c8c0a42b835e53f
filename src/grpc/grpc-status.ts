import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { toOipError } from '../oip/oip-error.js';

const BY_HTTP_STATUS: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.FAILED_PRECONDITION,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  422: GrpcStatus.FAILED_PRECONDITION,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  500: GrpcStatus.INTERNAL,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

export interface GrpcError {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/**
 * The same decision as the REST error body, as a gRPC status: the message is the `details`, and
 * our stable code (x-error-code) and any Retry-After travel as trailing metadata.
 */
export function toGrpcError(exception: unknown): GrpcError {
  const error = toOipError(exception, '');
  const metadata = new Metadata();
  metadata.set('x-error-code', error.code);
  const retryAfter = error.headers['Retry-After'];
  if (retryAfter) metadata.set('retry-after', retryAfter);
  return { code: BY_HTTP_STATUS[error.status] ?? (error.status >= 500 ? GrpcStatus.INTERNAL : GrpcStatus.UNKNOWN), details: error.message, metadata };
}
