import { ApiError } from '../api-error.js';

/** For unit tests: runs `work` and returns the ApiError it threw as "STATUS CODE"; anything else fails the test. */
export function apiFailure(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return `${error.getStatus()} ${error.code}`;
    throw error;
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}
