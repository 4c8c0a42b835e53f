/** Longest failure reason shown to clients and stored as statusReason; the log keeps the whole text. */
export const PUBLIC_REASON_MAX = 200;

// An absolute POSIX or Windows path, up to whitespace or a quote.
const ABSOLUTE_PATH = /(?:[A-Za-z]:\\|\/)(?:[^\s'"`:,;()]+[\\/])+([^\s'"`:,;()]*)/g;

/**
 * What a client (any viewer) may see of an engine or loader failure: the first line, with
 * absolute paths cut to their last segment (no DATA_DIR layout), at most PUBLIC_REASON_MAX characters.
 */
export function publicReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split(/\r?\n/, 1)[0] ?? '';
  const withoutPaths = firstLine.replace(ABSOLUTE_PATH, (_path, last: string) => (last ? `…/${last}` : '…'));
  const trimmed = withoutPaths.trim();
  if (trimmed.length === 0) return 'unknown error';
  return trimmed.length > PUBLIC_REASON_MAX ? `${trimmed.slice(0, PUBLIC_REASON_MAX - 1)}…` : trimmed;
}

/** The whole message, for the log only. */
export function fullReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 4000) || 'unknown error';
}
