import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/app-config.js';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { inferCommand } from './infer.command.js';
import { loginCommands } from './login.command.js';
import { modelCommands } from './models.command.js';
import { tokenCommands } from './tokens.command.js';
import { waitReadyCommand } from './wait-ready.command.js';

/** The `modelport` command line. Returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('modelport')
    .description('Modelport from the command line: log in, upload and deploy models, issue tokens, run inference')
    .version(String(JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  loginCommands(program);
  modelCommands(program);
  tokenCommands(program);
  inferCommand(program);
  waitReadyCommand(program);
  // Every (sub)command reports usage errors through the same override.
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program)) command.exitOverride();

  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      return EXIT.USAGE;
    }
    const failure = error instanceof CliError ? error : new CliError(EXIT.FAILED, 'CLI_ERROR', (error as Error)?.message ?? String(error));
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message, ...(failure.details !== undefined ? { details: failure.details } : {}) }, exitCode: failure.exitCode }, null, 2)}\n`);
    process.stderr.write(`error: ${failure.code}: ${failure.message}\n`);
    return failure.exitCode;
  }
}
