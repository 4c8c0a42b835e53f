import type { Command } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { Output } from './output.js';
import { GlobalOptions, Session } from './session.js';

export interface CommandContext {
  options: GlobalOptions & Record<string, unknown>;
  out: Output;
  session(): Session;
}

/** Options every command takes, so each one's --help lists them. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--json', 'machine-readable output on stdout (messages stay on stderr)')
    .option('--profile <name>', 'profile to use (default: the current one)')
    .option('--url <url>', 'server URL (overrides the profile and MODELPORT_URL)')
    .addHelpText('after', EXIT_CODES_HELP);
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
  let session: Session | undefined;
  return {
    options,
    out: new Output(options.json === true),
    session: () => (session ??= new Session(options)),
  };
}
