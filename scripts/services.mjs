// Redis, PostgreSQL, Azurite and nginx for the scale-out tests: each started by the test as a child process on
// 127.0.0.1 and a free port, with its data in a temporary folder, and stopped (and deleted) after.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './reference-server.mjs';

/** Debian's PostgreSQL keeps its programs in a versioned folder. */
function postgresBin() {
  const base = '/usr/lib/postgresql';
  const version = existsSync(base) ? readdirSync(base).sort().at(-1) : undefined;
  return version ? join(base, version, 'bin') : undefined;
}

/** What is missing, with how to get it: redis-server, PostgreSQL's programs and nginx. */
export function missingServices() {
  const missing = [];
  const has = command => {
    try {
      execFileSync('which', [command], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!has('redis-server')) missing.push('redis-server');
  if (!postgresBin()) missing.push('postgresql');
  if (!has('nginx') && !existsSync('/usr/sbin/nginx')) missing.push('nginx');
  return missing;
}

async function waitForPort(port, child, name, output) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output()}`);
    const open = await new Promise(resolve => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not listen on ${port} in 30 s:\n${output()}`);
}

class Service {
  #child;
  #output = '';

  constructor(name) {
    this.name = name;
    this.folder = mkdtempSync(join(tmpdir(), `support-chat-${name}-`));
  }

  async run(command, args, { user } = {}) {
    // PostgreSQL refuses to run as root: as root, run it as its own user.
    const [program, programArgs] = user && process.getuid?.() === 0 ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
    this.#child = spawn(program, programArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.#child.stdout, this.#child.stderr]) stream.on('data', chunk => (this.#output += chunk));
    await waitForPort(this.port, this.#child, this.name, () => this.#output);
    return this;
  }

  async stop() {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}

export async function startRedis() {
  const redis = new Service('redis');
  redis.port = await freePort();
  await redis.run('redis-server', [
    '--port',
    String(redis.port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    redis.folder,
  ]);
  redis.connectionString = `127.0.0.1:${redis.port}`;
  return redis;
}

export async function startPostgres() {
  const postgres = new Service('postgres');
  const bin = postgresBin();
  postgres.port = await freePort();
  const data = join(postgres.folder, 'data');
  if (process.getuid?.() === 0) {
    // The folder must belong to the user PostgreSQL runs as.
    execFileSync('chown', ['-R', 'postgres:postgres', postgres.folder]);
    chmodSync(postgres.folder, 0o755);
  }
  const asPostgres = (command, args) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' })
      : execFileSync(command, args, { stdio: 'pipe' });
  asPostgres(join(bin, 'initdb'), ['-D', data, '--auth=trust', '--username=postgres', '--no-sync']);
  await postgres.run(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(postgres.port), '-k', postgres.folder, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { user: 'postgres' },
  );
  postgres.connectionString = `Host=127.0.0.1;Port=${postgres.port};Username=postgres;Database=supportchat`;
  return postgres;
}

/** The well-known key of Azurite's development account: public, and good for nothing but the emulator. */
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Azure Blob Storage as Azurite (the `azurite` npm package) emulates it, for SUPPORTCHAT_BLOB. */
export async function startAzurite() {
  const azurite = new Service('azurite');
  azurite.port = await freePort();
  const program = fileURLToPath(new URL('../node_modules/.bin/azurite-blob', import.meta.url));
  await azurite.run(program, [
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(azurite.port),
    '--location',
    azurite.folder,
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    // Azurite reports usage to Microsoft unless told not to; nothing here talks beyond 127.0.0.1.
    '--disableTelemetry',
  ]);
  azurite.connectionString =
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${azurite.port}/devstoreaccount1;`;
  return azurite;
}

/**
 * nginx in front of the given ports. `balance`: `ip_hash` for sticky sessions (every test client is
 * 127.0.0.1, so all stick to one instance) or `round-robin`, with no affinity at all. `port`: one chosen
 * before (so the servers behind can list its origin); `tls`: HTTPS with a self-signed certificate made
 * here, as a TLS-terminating proxy in front of the servers.
 */
export async function startNginx(upstreamPorts, { balance, port, tls = false }) {
  const nginx = new Service('nginx');
  nginx.port = port ?? (await freePort());
  const conf = join(nginx.folder, 'nginx.conf');
  if (tls) {
    const [key, cert] = [join(nginx.folder, 'key.pem'), join(nginx.folder, 'cert.pem')];
    const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', ...subject, '-keyout', key, '-out', cert], {
      stdio: 'pipe',
    });
  }
  writeFileSync(
    conf,
    `daemon off;
master_process off;
user root;
pid ${nginx.folder}/nginx.pid;
error_log ${nginx.folder}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  # Above the server's 10 MB file limit, so the server, not nginx, answers an upload that is too large.
  client_max_body_size 11m;
  client_body_temp_path ${nginx.folder}/body;
  proxy_temp_path ${nginx.folder}/proxy;
  fastcgi_temp_path ${nginx.folder}/fastcgi;
  uwsgi_temp_path ${nginx.folder}/uwsgi;
  scgi_temp_path ${nginx.folder}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream chat {
    ${balance === 'ip_hash' ? 'ip_hash;' : ''}
    ${upstreamPorts.map(port => `server 127.0.0.1:${port} max_fails=1 fail_timeout=30s;`).join('\n    ')}
  }
  server {
    listen 127.0.0.1:${nginx.port}${tls ? ` ssl;\n    ssl_certificate ${nginx.folder}/cert.pem;\n    ssl_certificate_key ${nginx.folder}/key.pem` : ''};
    location / {
      proxy_pass http://chat;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      # Event streams and long polls must not wait in a buffer.
      proxy_buffering off;
      proxy_read_timeout 120s;
    }
  }
}
`,
  );
  await nginx.run(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-p', nginx.folder, '-c', conf]);
  nginx.url = `${tls ? 'https' : 'http'}://127.0.0.1:${nginx.port}`;
  return nginx;
}
