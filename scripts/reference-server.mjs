// Starts the real reference server (the built demo/server) for tests and benchmarks: 127.0.0.1, a free
// port, a fresh database in a temporary folder. A restart keeps port, database and signing key, as a
// crashed and restarted production server would.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaultProxy } from './fault-proxy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'demo', 'server');
const dll = join(serverDir, 'bin', 'Release', 'net10.0', 'SupportChat.Server.dll');

export const AGENT = { email: 'agent@example.com', password: 'agent-test-password' };

export async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Kills a server process outright (connections just drop, as in a crash) and waits until it is gone. */
export async function killProcess(child) {
  // A process ended by a signal keeps exitCode null and sets signalCode instead.
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

export class ReferenceServer {
  #process;
  #output = '';

  /** `dll`: another build of the server (a benchmark's "before"); it still runs in demo/server. */
  constructor({ origins = [], port, env = {}, dll: build = dll } = {}) {
    this.dll = build;
    this.origins = origins;
    this.port = port;
    this.env = env;
    this.folder = mkdtempSync(join(tmpdir(), 'support-chat-'));
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The server's process id, for reading its CPU time and memory from /proc. */
  get pid() {
    return this.#process?.pid;
  }

  async start() {
    await this.launch();
    if (!(await this.ready(60_000))) throw new Error(`The reference server did not become healthy in 60 s:\n${this.#output}`);
    return this;
  }

  /** Starts the process without waiting for it to answer; `ready()` waits for that. */
  async launch() {
    this.port ??= await freePort();
    this.#output = '';
    this.#process = spawn('dotnet', [this.dll], {
      cwd: serverDir,
      env: {
        ...process.env,
        // Every test client and benchmark comes from 127.0.0.1: the per-IP ceilings and the connection cap
        // stand well out of the way here, and a test about one of them sets it in `env`.
        SUPPORTCHAT_VISITOR_LIMIT_PER_IP: '100000',
        SUPPORTCHAT_SEND_LIMIT_PER_IP: '100000',
        SUPPORTCHAT_MAX_CONNECTIONS_PER_USER: '1000',
        SUPPORTCHAT_OPENAPI: 'true',
        // Tests sign the agent in again and again from 127.0.0.1; a test of the sign-in limits sets its own.
        SUPPORTCHAT_SIGNIN_IP_LIMIT: '10000',
        SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT: '10000',
        ...this.env,
        PORT: String(this.port),
        SUPPORTCHAT_DB: join(this.folder, 'chat.db'),
        SUPPORTCHAT_ORIGINS: [this.url, ...this.origins].join(','),
        SUPPORTCHAT_AGENT_EMAIL: AGENT.email,
        SUPPORTCHAT_AGENT_PASSWORD: AGENT.password,
        Logging__LogLevel__Default: 'Warning',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.#process.stdout, this.#process.stderr]) {
      stream.on('data', chunk => (this.#output += chunk));
    }
    return this;
  }

  /** What the current process has written (warnings and errors: the tests run it at warning level). */
  get output() {
    return this.#output;
  }

  /** Kills the process outright (no graceful shutdown: connections just drop), then starts it again. */
  async restart({ downMs = 0 } = {}) {
    await this.relaunch({ downMs });
    // Not `start()`: that would launch a second process, which one of the two would outlive `stop()`.
    if (!(await this.ready(60_000))) throw new Error(`The reference server did not become healthy in 60 s:\n${this.#output}`);
    return this;
  }

  /** `restart` without waiting for the new process to answer. */
  async relaunch({ downMs = 0 } = {}) {
    await this.kill();
    // The outage itself: how long nothing listens on the port.
    if (downMs > 0) await new Promise(resolve => setTimeout(resolve, downMs));
    await this.launch();
  }

  kill() {
    return killProcess(this.#process);
  }

  async stop() {
    await this.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /**
   * Whether the server answers `/health` within `ms`: false when it does not yet (a loaded machine can
   * take long to start .NET), an error when the process has exited.
   */
  async ready(ms) {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.#process.exitCode !== null) {
        throw new Error(`The reference server exited (${this.#process.exitCode}):\n${this.#output}`);
      }
      try {
        const response = await fetch(`${this.url}/health`);
        if (response.ok) return true;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) return false;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

/**
 * A web-test-runner plugin: browser tests call `executeServerCommand('reference-server', { action })`
 * to start, restart and stop their own server instances (with settings of their own in `env`), so no
 * test depends on another's state; `action: 'proxy'` puts a fault proxy in front of one and commands it.
 */
/** How long one command waits for a server to answer before telling the page to ask again. */
const READY_WAIT_MS = 10_000;

export function referenceServerPlugin({ origins }) {
  const servers = new Map();
  const proxies = new Map();
  let next = 0;

  async function proxyCommand(id, server, { op, rule }) {
    let proxy = proxies.get(id);
    if (!proxy) proxies.set(id, (proxy = await new FaultProxy(server.port).start()));
    if (op === 'failNext') proxy.failNext(rule);
    else if (op !== 'start') proxy[op]();
    return { url: proxy.url, transportsSeen: [...proxy.transportsSeen] };
  }

  return {
    name: 'reference-server',
    async executeCommand({ command, payload }) {
      if (command !== 'reference-server') return undefined;
      const { action, id, downMs, env } = payload ?? {};
      // A command must answer within web-test-runner's 20 s, and .NET can take longer than that to start
      // on a loaded machine: 'start' and 'restart' wait a while, then the page asks 'ready' until it is.
      if (action === 'start') {
        const server = await new ReferenceServer({ origins, env }).launch();
        const handle = String(++next);
        servers.set(handle, server);
        return { id: handle, url: server.url, agent: AGENT, ready: await server.ready(READY_WAIT_MS) };
      }
      const server = servers.get(id);
      if (!server) throw new Error(`No reference server ${id}.`);
      if (action === 'proxy') return proxyCommand(id, server, payload);
      if (action === 'ready') return { id, url: server.url, ready: await server.ready(READY_WAIT_MS) };
      if (action === 'restart') {
        await server.relaunch({ downMs });
        return { id, url: server.url, ready: await server.ready(READY_WAIT_MS) };
      }
      if (action === 'kill') await server.kill();
      else if (action === 'stop') {
        await proxies.get(id)?.stop();
        proxies.delete(id);
        await server.stop();
        servers.delete(id);
      } else throw new Error(`Unknown action ${action}.`);
      return { id, url: server.url };
    },
    async serverStop() {
      await Promise.all([...proxies.values()].map(proxy => proxy.stop()));
      await Promise.all([...servers.values()].map(server => server.stop()));
    },
  };
}
