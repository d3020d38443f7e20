// The Blazor Web App example (examples/blazor) as its user meets it: signed in with the app's own cookie,
// the support page's <support-chat> gets a token that the app issues for that user (token-url, with the
// cookie), connects to the package's hub in the same app, and a message sent there is stored as theirs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { freePort, killProcess } from '../scripts/reference-server.mjs';

const root = resolve(import.meta.dirname, '..');
const example = join(root, 'examples', 'blazor');
const dll = join(example, 'bin', 'Release', 'net10.0', 'SupportChat.BlazorExample.dll');
const folder = mkdtempSync(join(tmpdir(), 'support-chat-blazor-'));
const AGENT = { email: 'agent@shop.example', password: 'a-long-agent-password' };

let app;
let url;
let output = '';
let browser;

before(async () => {
  assert.ok(existsSync(dll), `${dll} is missing: dotnet build examples/blazor -c Release`);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  app = spawn('dotnet', [dll, '--urls', url], {
    cwd: example,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(SUPPORTCHAT_|ASPNETCORE_|DOTNET_ENVIRONMENT$)/.test(key))),
      SupportChat__Database: join(folder, 'chat.db'),
      SupportChat__JwtKey: Buffer.alloc(32, 3).toString('base64'),
      SupportChat__AgentEmail: AGENT.email,
      SupportChat__AgentPassword: AGENT.password,
      SupportChat__AllowedOrigins__0: url,
    },
  });
  const exited = once(app, 'exit');
  app.stdout.on('data', chunk => (output += chunk));
  app.stderr.on('data', chunk => (output += chunk));
  while (!/Application started/.test(output)) {
    if (app.exitCode !== null) throw new Error(`The example exited with ${app.exitCode}:\n${output}`);
    await Promise.race([once(app.stdout, 'data'), exited]);
  }
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await killProcess(app);
  rmSync(folder, { recursive: true, force: true });
});

describe('the Blazor Web App example', () => {
  it('sends the visitor to sign in, then chats as the signed-in user with a token its server issued', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    await page.goto(`${url}/support`);
    assert.match(new URL(page.url()).pathname, /^\/signin/, 'the support page asks for a signed-in user');

    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('Email').fill('grace@shop.example');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/support`);
    await page.getByText('Signed in as Grace').waitFor();
    await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected', null, { timeout: 20_000 });

    await page.locator('support-chat textarea').fill('Where is my order?');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.querySelector('support-chat').messages.some(m => m.text === 'Where is my order?' && m.state === 'sent'),
    );

    // The agent sees it in Grace's own conversation, under her name from the app's sign-in.
    const { token } = await (
      await fetch(`${url}/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(AGENT) })
    ).json();
    const auth = { authorization: `Bearer ${token}` };
    const { groups } = await (await fetch(`${url}/groups`, { headers: auth })).json();
    assert.equal(groups.length, 1);
    const { chats } = await (await fetch(`${url}/chats/${groups[0].id}`, { headers: auth })).json();
    assert.deepEqual(
      chats.map(c => [c.name, c.message]),
      [['Grace', 'Where is my order?']],
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});
