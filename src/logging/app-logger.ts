import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Structured JSON logs, one object per line. Callers pass objects and never secrets. */
export function createAppLogger(level: string): ConsoleLogger {
  return new ConsoleLogger({ json: true, colors: false, logLevels: LEVELS[level] ?? LEVELS.info });
}
