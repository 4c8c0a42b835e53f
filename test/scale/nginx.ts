import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../helpers/child-server.js';

/** Debian's nginx, if installed (.ci/run installs nginx-light): its path, or null. */
export function nginxBinary(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) if (existsSync(candidate)) return candidate;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * nginx in front of the replicas as a non-root process with its own config, temp dirs and pid
 * file under `dir`, on a loopback port (started by root, its workers drop to nobody). No upstream keepalive: every proxied request opens a
 * connection, so a dead replica is a refused connect, which nginx retries on the next replica
 * (proxy_next_upstream error) and counts against it (max_fails=1); after fail_timeout it tries
 * that replica again, so a restarted one rejoins.
 */
export async function startNginx(binary: string, dir: string, upstreams: string[]): Promise<Nginx> {
  const port = await freePort();
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const servers = upstreams.map((url) => `    server ${new URL(url).host} max_fails=1 fail_timeout=2s;`).join('\n');
  const config = `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  client_max_body_size 100m;
  # Bodies and answers stay in memory: when the test runs as root the workers run as nobody, who may not write the temp dirs.
  client_body_buffer_size 16m;
  proxy_buffering off;
  upstream modelport {
${servers}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://modelport;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
    }
  }
}
`;
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', configPath, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    const res = await fetch(`${url}/health`);
    return res.status === 200 ? true : undefined;
  }, 'nginx up', 30_000).catch((error: Error) => {
    throw new Error(`${error.message}; nginx said: ${output}`);
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
