import { CliError, EXIT } from './exit-codes.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          stdin.setRawMode(false);
          reject(new CliError(EXIT.USAGE, 'CANCELLED', 'Cancelled'));
          return;
        }
        if (char === '\u007f') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** --password-stdin, then MODELPORT_PASSWORD, then a hidden prompt on a terminal. */
export async function readPassword(fromStdin: boolean): Promise<string> {
  let password: string | undefined;
  if (fromStdin) password = await readStdin();
  else if (process.env.MODELPORT_PASSWORD) password = process.env.MODELPORT_PASSWORD;
  else if (process.stdin.isTTY) password = await promptHidden('Password: ');
  else throw new CliError(EXIT.USAGE, 'NO_PASSWORD', 'No password: use --password-stdin or MODELPORT_PASSWORD when there is no terminal');
  if (!password) throw new CliError(EXIT.USAGE, 'NO_PASSWORD', 'The password is empty');
  return password;
}
