// The agent console's sign-in against the real reference server's sign-in limit, in a real Chromium tab.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';

const server = new ReferenceServer({ env: { SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT: '3' } });
let browser;

before(async () => {
  await server.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await server.stop();
});

describe('the agent console past the sign-in limit', () => {
  it('says how long to wait, and lets nobody in, not even with the right password', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/agent.html`);
    await page.fill('input[name=email]', AGENT.email);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await page.fill('input[name=password]', `guess ${attempt}`);
      const answered = page.waitForResponse(response => response.url().endsWith('/users/login'));
      await page.click('button[type=submit]');
      assert.equal((await answered).status(), 404);
    }
    await page.waitForFunction(() => document.querySelector('#sign-in-error').textContent.includes('do not match'));

    await page.fill('input[name=password]', AGENT.password);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#sign-in-error').textContent.startsWith('Too many sign-in attempts.'));
    assert.match(await page.textContent('#sign-in-error'), /Wait \d+ seconds/);
    assert.equal(await page.isVisible('#console'), false);
  });
});
