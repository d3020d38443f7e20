// The server package as a team with its own ASP.NET Core app adopts it: `dotnet pack` into a local feed,
// a fresh `dotnet new web` app in a temporary folder that adds the package and the two lines, started as
// its own process on 127.0.0.1; and the widget from the packed npm package, on a page of another origin,
// chats through it in Chromium. Restores come from the local feed and the machine's package cache, and
// only what neither holds from the machine's usual NuGet source (its user-level nuget.config, which this
// folder's config adds to).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { freePort, killProcess } from '../scripts/reference-server.mjs';

const root = resolve(import.meta.dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'support-chat-adopt-'));
const feed = join(folder, 'feed');
const app = join(folder, 'ShopApp');
const widget = join(folder, 'widget');
const exec = promisify(execFile);
const run = (command, args, cwd, env = {}) => exec(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });

// The package's own folder of extracted packages, so the package packed now is the one used, never a
// 0.1.0 left in the machine's cache by an earlier run; the machine's cache is still a source to copy from.
const nugetEnv = { NUGET_PACKAGES: join(folder, 'packages'), DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
const machineCache = process.env.NUGET_PACKAGES ?? join(homedir(), '.nuget', 'packages');

const AGENT = { email: 'agent@shop.example', password: 'a-long-agent-password' };
const JWT_KEY = Buffer.alloc(32, 7).toString('base64');

/** The two lines of docs/aspnet-core.md, in the template's Program.cs. */
const PROGRAM = `var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSupportChat();

var app = builder.Build();

app.MapGet("/", () => "Hello World!");
app.MapSupportChat();

app.Run();
`;

let appPort;
let appProcess;
let pageServer;
let pageOrigin;
let browser;

const appUrl = () => `http://127.0.0.1:${appPort}`;

/** Starts the built app with `settings` (environment variables); resolves with the process and a reader of its output. */
function startApp(settings) {
  let output = '';
  const child = spawn('dotnet', [join(app, 'bin', 'Release', 'net10.0', 'ShopApp.dll'), '--urls', appUrl()], {
    cwd: app,
    // Only what the test sets: nothing of the shell's own support-chat or ASP.NET Core settings.
    env: Object.fromEntries(
      Object.entries({ ...process.env, ...settings }).filter(
        ([key]) => !/^(SUPPORTCHAT_|ASPNETCORE_|DOTNET_ENVIRONMENT$)/.test(key) || key in settings,
      ),
    ),
  });
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  return { child, exited: once(child, 'exit'), output: () => output };
}

/** Waits until the host says it has started (after Kestrel listens), or fails with what it printed if it exits. */
async function started(app) {
  while (!/Application started/.test(app.output())) {
    if (app.child.exitCode !== null) throw new Error(`The app exited with ${app.child.exitCode}:\n${app.output()}`);
    await Promise.race([once(app.child.stdout, 'data'), app.exited]);
  }
}

before(async () => {
  mkdirSync(feed);
  const packing = run(
    'dotnet',
    ['pack', join(root, 'server', 'SupportChat.AspNetCore'), '-c', 'Release', '-o', feed, '-nologo', '-v', 'q'],
    root,
  );
  const npmPacking = (async () => {
    mkdirSync(widget);
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], root);
    await run('tar', ['-xzf', join(folder, JSON.parse(stdout)[0].filename), '-C', widget]);
  })();
  await run('dotnet', ['new', 'web', '-o', app, '--no-restore'], folder, nugetEnv);
  writeFileSync(
    join(app, 'nuget.config'),
    `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="${feed}" />
    <add key="machine-cache" value="${machineCache}" />
  </packageSources>
</configuration>
`,
  );
  writeFileSync(join(app, 'Program.cs'), PROGRAM);
  await packing;
  await run('dotnet', ['add', 'package', 'SupportChat.AspNetCore', '--version', '0.1.0'], app, nugetEnv);
  await run('dotnet', ['build', '-c', 'Release', '-nologo', '-v', 'q'], app, nugetEnv);
  await npmPacking;

  appPort = await freePort();
  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  // The shop's own page, on an origin of its own: only the widget's files and one page.
  pageServer = createServer((request, response) => {
    const path = new URL(request.url, pageOrigin).pathname;
    if (path.startsWith('/widget/')) {
      const file = join(widget, 'package', 'dist', path.slice('/widget/'.length));
      if (!existsSync(file)) return response.writeHead(404).end();
      return response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<script type="module" src="/widget/support-chat.js"></script>
<support-chat mode="inline" hub-url="${appUrl()}/hubs/groupchat" token-url="${appUrl()}/visitors"></support-chat>`);
  });
  pageServer.listen(pagePort, '127.0.0.1');
  await once(pageServer, 'listening');
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await killProcess(appProcess?.child);
  pageServer?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('SupportChat.AspNetCore in a fresh `dotnet new web` app', () => {
  it('refuses to start without an agent password of its own, in one sentence, before it listens', async () => {
    const started = startApp({ SUPPORTCHAT_DB: join(folder, 'refused.db'), SupportChat__JwtKey: JWT_KEY });
    const [code] = await started.exited;
    assert.notEqual(code, 0);
    assert.match(started.output(), /Refusing to start: the agent password is the demo's\. Set SupportChat:AgentPassword/);
    assert.doesNotMatch(started.output(), /Now listening/);
  });

  it('serves the widget from the npm package: a message sent shows as sent, and one posted by the agent arrives', async () => {
    appProcess = startApp({
      SUPPORTCHAT_DB: join(folder, 'chat.db'),
      // Configured the options-pattern way, as an app's appsettings.json or environment would.
      SupportChat__JwtKey: JWT_KEY,
      SupportChat__AgentEmail: AGENT.email,
      SupportChat__AgentPassword: AGENT.password,
      SupportChat__AllowedOrigins__0: pageOrigin,
    });
    await started(appProcess);
    assert.equal((await fetch(`${appUrl()}/groups`)).status, 401, 'the package answers /groups, and only with a token');

    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    await page.goto(`${pageOrigin}/`);
    await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected', null, { timeout: 20_000 });

    await page.locator('support-chat textarea').fill('Hello from the shop');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('support-chat').messages.some(m => m.text === 'Hello from the shop' && m.state === 'sent'),
    );

    const login = await fetch(`${appUrl()}/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(AGENT),
    });
    assert.equal(login.status, 200);
    const { token } = await login.json();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const { groups } = await (await fetch(`${appUrl()}/groups`, { headers: auth })).json();
    assert.equal(groups.length, 1, 'the visitor has one conversation');
    const { chats } = await (await fetch(`${appUrl()}/chats/${groups[0].id}`, { headers: auth })).json();
    assert.deepEqual(
      chats.map(c => c.message),
      ['Hello from the shop'],
    );

    const sent = await fetch(`${appUrl()}/chats/${groups[0].id}`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ message: 'Hello, how can we help?' }),
    });
    assert.equal(sent.status, 200);
    await page.waitForFunction(() => document.querySelector('support-chat').messages.some(m => m.text === 'Hello, how can we help?'));
    const shown = await page.locator('support-chat').getByText('Hello, how can we help?').count();
    assert.ok(shown > 0, 'the agent’s message is on screen');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
