import type { LoggerService } from '@nestjs/common';

/** A LoggerService that keeps every line it is given. */
export class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: unknown; rest: unknown[] }> = [];
  log(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'log', message, rest }); }
  error(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'error', message, rest }); }
  warn(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'warn', message, rest }); }
  debug(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'debug', message, rest }); }
  verbose(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'verbose', message, rest }); }
  fatal(message: unknown, ...rest: unknown[]) { this.lines.push({ level: 'fatal', message, rest }); }
  text(): string {
    return this.lines.map((line) => JSON.stringify([line.message, ...line.rest])).join('\n');
  }
}
