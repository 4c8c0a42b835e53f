import { Command } from 'commander';
import { contextOf, withCommonOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { resolveModel } from './resolve.js';
import type { Session } from './session.js';

/** One look: is the server (and the model, when given) ready? Returns why not, or null. */
async function notReadyBecause(session: Session, model: string | undefined, accessToken: string | undefined): Promise<string | null> {
  const ready = await session.fetch('/ready');
  if (!ready.ok) return `server not ready (${ready.status})`;
  if (!model) return null;
  if (accessToken) {
    const response = await session.fetch(`/v2/models/${encodeURIComponent(model)}/ready`, { headers: { 'X-Access-Token': accessToken } });
    if (response.ok) return null;
    if (response.status === 401 || response.status === 403) throw await session.failure(response);
    return `model ${model} not ready (${response.headers.get('x-error-code') ?? response.status})`;
  }
  session.requireLogin();
  const found = await resolveModel(session, model);
  return found.status === 'deployed' ? null : `model ${found.name} is ${found.status}`;
}

export function waitReadyCommand(program: Command): void {
  withCommonOptions(
    program
      .command('wait-ready')
      .description('Wait until the server (and optionally a model) is ready; for pipelines')
      .option('--model <model>', 'also wait for this model (id or name) to be deployed')
      .option('--timeout <seconds>', 'give up after this long (exit code 7)', '60')
      .option('--access-token <token>', 'check the model with this access token instead of the admin session'),
  ).action(async (_options, command: Command) => {
    const { options, out, session } = contextOf(command);
    const timeout = Number(options.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) throw new CliError(EXIT.USAGE, 'USAGE', '--timeout must be a number of seconds');
    const model = options.model as string | undefined;
    const accessToken = (options.accessToken as string | undefined) ?? process.env.MODELPORT_ACCESS_TOKEN;
    const deadline = Date.now() + timeout * 1000;
    let reason = 'not checked';
    for (;;) {
      try {
        const why = await notReadyBecause(session(), model, accessToken);
        if (why === null) break;
        reason = why;
      } catch (error) {
        // Not up yet (or not yet deployed) is what this command waits out; anything else is an answer.
        if (!(error instanceof CliError) || ![EXIT.UNREACHABLE, EXIT.NOT_FOUND, EXIT.SERVER].includes(error.exitCode as never)) throw error;
        reason = error.message;
      }
      if (Date.now() >= deadline) throw new CliError(EXIT.TIMEOUT, 'TIMEOUT', `Not ready after ${timeout}s: ${reason}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    out.result({ ready: true, url: session().url, ...(model ? { model } : {}) }, () => `Ready: ${session().url}${model ? ` (model ${model})` : ''}`);
  });
}
