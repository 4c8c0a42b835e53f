import type { LoggerService } from '@nestjs/common';

/** A logger that keeps warnings only (the generated first-admin password is logged as one). */
export class WarnCapture implements LoggerService {
  readonly warnings: unknown[] = [];
  log() {}
  error() {}
  warn(message: unknown) {
    this.warnings.push(message);
  }

  /** The password the first boot generated and logged once. */
  generatedPassword(): string {
    const line = this.warnings.find((warning) => JSON.stringify(warning).includes('generatedPassword')) as { generatedPassword: string } | undefined;
    if (!line) throw new Error('no generated password was logged');
    return line.generatedPassword;
  }
}
