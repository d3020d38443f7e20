// The reference server behind a TLS-terminating nginx, as docs/deployment.md sets it up: the visitor's
// cookie is `Secure; SameSite=None` (what a cross-site embed needs) because the proxy, named in
// SUPPORTCHAT_TRUSTED_PROXIES, says the original request was HTTPS; and the same browser comes back to
// its conversation through it. Straight to the server over plain HTTP, the cookie stays SameSite=Lax.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { freePort, ReferenceServer } from '../scripts/reference-server.mjs';
import { missingServices, startNginx } from '../scripts/services.mjs';

let server;
let proxy;
let browser;

before(async () => {
  assert.ok(!missingServices().includes('nginx'), 'nginx is missing: sudo apt-get install nginx');
  const proxyPort = await freePort();
  server = await new ReferenceServer({
    origins: [`https://127.0.0.1:${proxyPort}`],
    env: { SUPPORTCHAT_TRUSTED_PROXIES: '127.0.0.1' },
  }).start();
  proxy = await startNginx([server.port], { balance: 'round-robin', port: proxyPort, tls: true });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await server?.stop();
});

/** The embed page at `origin`, its widget connected, and one message sent so the conversation exists. */
async function visit(context, origin, text) {
  const page = await context.newPage();
  await page.goto(`${origin}/embed.html`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected', null, { timeout: 20_000 });
  if (text) {
    await page.locator('support-chat textarea').fill(text);
    await page.keyboard.press('Enter');
    await page.waitForFunction(t => document.querySelector('support-chat').messages.some(m => m.text === t && m.state === 'sent'), text);
  }
  return page;
}

const visitorCookie = async context => (await context.cookies()).find(cookie => cookie.name === 'supportchat_visitor');

describe('the visitor cookie behind a TLS-terminating proxy', () => {
  it('is Secure, SameSite=None and HttpOnly through nginx, and brings the same browser back to its conversation', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await visit(context, proxy.url, 'Hello through the proxy');
      const cookie = await visitorCookie(context);
      assert.ok(cookie, 'no visitor cookie was set');
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'None');
      assert.equal(cookie.httpOnly, true);

      await page.reload();
      await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected', null, { timeout: 20_000 });
      await page.waitForFunction(() =>
        document.querySelector('support-chat').messages.some(m => m.text === 'Hello through the proxy' && m.state === 'sent'),
      );
    } finally {
      await context.close();
    }
  });

  it('stays SameSite=Lax and not Secure over plain HTTP straight to the server', async () => {
    const context = await browser.newContext();
    try {
      await visit(context, server.url);
      const cookie = await visitorCookie(context);
      assert.ok(cookie, 'no visitor cookie was set');
      assert.equal(cookie.secure, false);
      assert.equal(cookie.sameSite, 'Lax');
    } finally {
      await context.close();
    }
  });
});
