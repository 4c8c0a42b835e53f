import { HttpException } from '@nestjs/common';

/**
 * An error a client is meant to see: an HTTP status, a stable machine-readable code,
 * a human message and optional structured details. Everything else becomes a 500
 * INTERNAL_ERROR with no internals exposed.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super({ code, message, details }, status);
  }

  static badRequest(code: string, message: string, details?: unknown): ApiError {
    return new ApiError(400, code, message, details);
  }
  static unauthorized(code: string, message: string): ApiError {
    return new ApiError(401, code, message);
  }
  static forbidden(code: string, message: string): ApiError {
    return new ApiError(403, code, message);
  }
  static notFound(code: string, message: string): ApiError {
    return new ApiError(404, code, message);
  }
  static conflict(code: string, message: string, details?: unknown): ApiError {
    return new ApiError(409, code, message, details);
  }
  static tooManyRequests(code: string, message: string, retryAfterSeconds: number): ApiError {
    return new ApiError(429, code, message, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}
