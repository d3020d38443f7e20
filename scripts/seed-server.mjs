// Starts the seed-contract server (src/test/seed-server, built by `npm test`) for the page tests:
// 127.0.0.1, a free port, its data in a temporary folder, the test page and the built widget served
// from its own origin. A restart keeps port, data and signing key, as a crashed server's would.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, killProcess } from './reference-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'src', 'test', 'seed-server');
const dll = join(serverDir, 'bin', 'Release', 'net10.0', 'SupportChat.SeedServer.dll');

export class SeedServer {
  #process;
  #output = '';
  #jwtKey = randomBytes(32).toString('base64');

  constructor() {
    this.folder = mkdtempSync(join(tmpdir(), 'support-chat-seed-'));
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!existsSync(dll)) throw new Error(`The seed server is not built: dotnet build src/test/seed-server -c Release (npm test does).`);
    this.port ??= await freePort();
    this.#output = '';
    this.#process = spawn('dotnet', [dll], {
      cwd: serverDir,
      env: {
        ...process.env,
        ASPNETCORE_URLS: this.url,
        Seed__DataFile: join(this.folder, 'seed.json'),
        Seed__JwtKey: this.#jwtKey,
        Seed__PagesPath: join(serverDir, 'page'),
        Seed__DistPath: join(root, 'dist'),
        Logging__LogLevel__Default: 'Warning',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.#process.stdout, this.#process.stderr]) {
      stream.on('data', chunk => (this.#output += chunk));
    }
    await this.#waitUntilServing();
    return this;
  }

  /** Kills the process outright (connections just drop), then starts it again on the same port and data. */
  async restart() {
    await this.kill();
    return this.start();
  }

  kill() {
    return killProcess(this.#process);
  }

  async stop() {
    await this.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** The seed has no health endpoint: the server is up once it serves the test page. */
  async #waitUntilServing() {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.#process.exitCode !== null) throw new Error(`The seed server exited (${this.#process.exitCode}):\n${this.#output}`);
      try {
        if ((await fetch(`${this.url}/`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`The seed server did not answer in 30 s:\n${this.#output}`);
  }
}
