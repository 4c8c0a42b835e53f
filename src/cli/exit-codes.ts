/** The CLI's exit codes; `modelport --help` lists them, scripts may branch on them. */
export const EXIT = {
  OK: 0,
  /** The server refused the request (conflict, invalid model, validation) or another failure. */
  FAILED: 1,
  /** Wrong arguments or options, a missing profile. */
  USAGE: 2,
  /** Not logged in, wrong password, expired session, missing permission (401/403). */
  AUTH: 3,
  /** The model, version or token does not exist (404). */
  NOT_FOUND: 4,
  /** The server failed (5xx), or is not ready. */
  SERVER: 5,
  /** The server could not be reached at all. */
  UNREACHABLE: 6,
  /** wait-ready (or --wait) gave up after --timeout. */
  TIMEOUT: 7,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the server refused the request (conflict, invalid model, bad input) or another failure
  2  usage error (unknown command or option, missing argument, no profile)
  3  authentication or permission failure (401/403: wrong password, expired session, role)
  4  not found (404: model, version or token)
  5  server error (5xx) or not ready
  6  server unreachable (connection refused, DNS, TLS)
  7  timed out (wait-ready, upload/deploy --wait)

Environment: MODELPORT_URL and MODELPORT_TOKEN override the profile's server and session
(for CI); MODELPORT_PASSWORD is read by login; MODELPORT_ACCESS_TOKEN by infer;
XDG_CONFIG_HOME decides where profiles live (default ~/.config/modelport/profiles.json).`;

/** A failure the CLI reports as `error: CODE: message` (or JSON) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The exit code for an HTTP status the server answered with. */
export function exitCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status >= 500) return EXIT.SERVER;
  return EXIT.FAILED;
}
