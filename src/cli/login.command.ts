import { Command } from 'commander';
import { createModelportClient } from '../client/index.js';
import { contextOf, withCommonOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { ProfileStore } from './profile-store.js';
import { readPassword } from './prompt.js';
import { serverError, unreachable } from './session.js';
import type { SessionView } from './views.js';

export function loginCommands(program: Command): void {
  withCommonOptions(
    program
      .command('login')
      .description('Log in and store the session in a profile (file mode 0600 in the config directory)')
      .requiredOption('--username <name>', 'admin API user')
      .option('--password-stdin', 'read the password from standard input')
      .addHelpText('after', '\nThe password comes from --password-stdin, else MODELPORT_PASSWORD, else a hidden prompt.\nThe server comes from --url, else MODELPORT_URL.'),
  ).action(async (_options, command: Command) => {
    const context = contextOf(command);
    const { options, out } = context;
    const url = (options.url ?? process.env.MODELPORT_URL)?.replace(/\/+$/, '');
    if (!url) throw new CliError(EXIT.USAGE, 'NO_SERVER', 'login needs --url URL (or MODELPORT_URL)');
    const password = await readPassword(options.passwordStdin === true);
    const client = createModelportClient(url);
    let result;
    try {
      result = await client.POST('/api/v1/internal/auth/login', { body: { username: String(options.username), password } as never });
    } catch (error) {
      throw unreachable(url, error);
    }
    if (!result.response.ok) throw serverError(result.response, result.error);
    const session = result.data as unknown as SessionView;
    const store = new ProfileStore();
    const name = (options.profile as string | undefined) ?? 'default';
    store.save(name, { url, username: session.user.username, authToken: session.accessToken, refreshToken: session.refreshToken });
    out.result({ profile: name, url, username: session.user.username, role: session.user.role, path: store.location }, () => `Logged in to ${url} as ${session.user.username} (${session.user.role}); profile "${name}" saved in ${store.location}`);
  });

  withCommonOptions(program.command('logout').description('End the session and forget the profile')).action(async (_options, command: Command) => {
    const { options, out, session } = contextOf(command);
    const store = new ProfileStore();
    const { name, profile } = store.get(options.profile);
    if (!profile) throw new CliError(EXIT.USAGE, 'NO_PROFILE', `No profile "${name}"`);
    // Best effort: the local profile goes whether or not the server is reachable.
    await session()
      .call((client) => client.POST('/api/v1/internal/auth/logout', { body: { refreshToken: profile.refreshToken } as never }))
      .catch(() => undefined);
    store.remove(name);
    out.result({ profile: name, loggedOut: true }, () => `Logged out; profile "${name}" removed`);
  });
}
