// `npm run screenshots`: renders the demo in Chromium at desktop and phone sizes (closed and open, light
// and dark, left-to-right and the Arabic page right-to-left, with a sent picture and a file chip, the agent console, the
// console with filters and with a resolved, rated conversation, the three-theme page, and the support workflow's away,
// resolved and rating states) and writes PNGs to screenshots/.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { AGENT, ReferenceServer } from './reference-server.mjs';

const OUT = 'screenshots';
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

mkdirSync(OUT, { recursive: true });
const server = await new ReferenceServer().start();
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
const written = [];

async function agentToken() {
  const response = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  return (await response.json()).token;
}

/** A visitor's conversation on the shop page: their question, and the agent's two answers, the second formatted. */
async function shopWithConversation(context, { rtl }) {
  const page = await context.newPage();
  // Right to left is the shipped Arabic page: dir="rtl", and the widget's strings in Arabic.
  await page.goto(`${server.url}/${rtl ? 'ar.html' : ''}`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
  await page.locator('support-chat .launcher').click();
  await page.locator('support-chat textarea').fill(rtl ? 'مرحبا، لم يصل طلبي بعد.' : 'Hi! My parcel has not arrived yet.');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
  const groupId = await page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
  const token = await agentToken();
  for (const [message, format] of rtl
    ? [
        ['آسفون لذلك!'],
        ['**تم شحنه يوم الثلاثاء.** لمتابعته:\n\n1. افتح [صفحة التتبع](https://track.example/NW-1042)\n2. أدخل `NW-1042`', 'markdown'],
      ]
    : [
        ['Sorry to hear that!'],
        [
          '**It left us on Tuesday.** To follow it:\n\n1. Open [the tracking page](https://track.example/NW-1042)\n2. Enter `NW-1042`',
          'markdown',
        ],
      ]) {
    await fetch(`${server.url}/chats/${groupId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ groupId, message, format }),
    });
  }
  await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelector('.formatted strong'));
  return page;
}

// A real 16×12 picture: a parcel-brown square on white.
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAAAG0lEQVR42mP4TyJgIF/DgiwbPGhUA7000CqmAZxHtKBQbet4AAAAAElFTkSuQmCC',
  'base64',
);

/** Picks a file with the attach button and waits for its chip to finish uploading. */
async function attach(page, file) {
  const widget = page.locator('support-chat');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), widget.locator('.attach').click()]);
  await chooser.setFiles(file);
  await widget.locator('.chip[data-state="done"]').waitFor();
}

/** The visitor sends a picture (a thumbnail in the conversation) and has a text file waiting as a chip. */
async function withFiles(page) {
  await attach(page, { name: 'parcel.png', mimeType: 'image/png', buffer: PICTURE });
  await page.locator('support-chat form button[type=submit]').click();
  await page.waitForFunction(
    () => document.querySelector('support-chat').shadowRoot.querySelector('.message .files img')?.naturalWidth > 0,
  );
  await attach(page, { name: 'order-NW-1042.txt', mimeType: 'text/plain', buffer: Buffer.from('Order NW-1042, Tuesday') });
}

/**
 * The agent console as a team shares it: visitors from different pages, time zones and languages, one
 * assigned, one resolved and rated, one who left an email; the "Open" filter on and a conversation open.
 */
async function consoleWithFilters(context) {
  const token = await agentToken();
  const post = async (path, body, bearer = token) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body ?? {}),
    });
    return response.json();
  };
  const visitor = about => post('/visitors', about, '');
  const say = (who, message) => post(`/chats/${who.groupId}`, { groupId: String(who.groupId), message }, who.token);
  const lena = await visitor({
    name: 'Lena Fischer',
    pageUrl: `${server.url}/subscriptions`,
    timeZone: 'Europe/Berlin',
    language: 'de-DE',
  });
  const tokyo = await visitor({ pageUrl: `${server.url}/beans/yirgacheffe`, timeZone: 'Asia/Tokyo', language: 'ja' });
  const toronto = await visitor({ pageUrl: `${server.url}/gear`, timeZone: 'America/Toronto', language: 'fr-CA' });
  await say(toronto, 'Is the hand grinder back in stock?');
  await post(`/chats/${toronto.groupId}`, {
    groupId: String(toronto.groupId),
    message: 'It is: **12 left**, shipping Tuesday.',
    format: 'markdown',
  });
  await post(`/chats/${toronto.groupId}/resolve`);
  await post(`/chats/${toronto.groupId}/rating`, { score: 5, comment: 'Fast answer, thank you!' }, toronto.token);
  await say(tokyo, 'Do you ship whole beans to Japan?');
  await post(`/chats/${tokyo.groupId}/contact`, { email: 'haruto@example.com' }, tokyo.token);
  await say(lena, 'Can I pause my subscription for two weeks?');
  await post(`/chats/${lena.groupId}/assign`);

  const page = await context.newPage();
  await page.goto(`${server.url}/agent.html`);
  await page.fill('input[name=email]', AGENT.email);
  await page.fill('input[name=password]', AGENT.password);
  const listed = page.waitForResponse(response => response.url().endsWith('/groups'));
  await page.click('button[type=submit]');
  await listed;
  const filtered = page.waitForResponse(response => response.url().includes('/groups?state=open'));
  await page.click('#filters [data-filter="open"]');
  await filtered;
  await page.click(`#conversations button[data-group="${lena.groupId}"]`);
  await page.waitForFunction(() => document.querySelector('#chat').messages.length === 1);
  await page.locator('#facts').waitFor();
  return { page, resolved: toronto.groupId };
}

async function shot(page, name) {
  // Screenshots of the settled page: no panel caught mid-animation.
  await page.evaluate(() =>
    Promise.all(
      document
        .querySelector('support-chat')
        ?.shadowRoot.getAnimations()
        .map(a => a.finished) ?? [],
    ),
  );
  await page.screenshot({ path: `${OUT}/${name}.png` });
  written.push(`${OUT}/${name}.png`);
}

/**
 * The support workflow as a visitor sees it, on the shop page: nobody there (the header says when they will be
 * answered, and the widget asks for an email after the first message), then resolved with the rating asked,
 * then a score picked with its comment box. Light and dark, phone and desktop, and the Arabic page.
 */
async function workflowStates() {
  for (const [size, colorScheme, rtl] of [
    ['desktop', 'light', false],
    ['phone', 'dark', false],
    ['desktop', 'light', true],
  ]) {
    const context = await browser.newContext({
      viewport: SIZES[size],
      colorScheme,
      isMobile: size === 'phone',
      hasTouch: size === 'phone',
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/${rtl ? 'ar.html' : ''}`);
    await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
    await page.locator('support-chat .launcher').click();
    await page.locator('support-chat textarea').fill(rtl ? 'هل من أحد هنا؟' : 'Is anyone there?');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
    const name = `${size}-${colorScheme}${rtl ? '-rtl' : ''}`;
    await page.locator('support-chat .contact input').waitFor();
    await shot(page, `${name}-away`);
    const groupId = await page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
    await fetch(`${server.url}/chats/${groupId}/resolve`, { method: 'POST', headers: { Authorization: `Bearer ${await agentToken()}` } });
    await page.locator('support-chat .rating legend').waitFor();
    await shot(page, `${name}-resolved`);
    await page.locator('support-chat .score').nth(3).click();
    await page.locator('support-chat .rating textarea').waitFor();
    await shot(page, `${name}-rating`);
    await context.close();
  }
}

try {
  await workflowStates();
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const colorScheme of ['light', 'dark']) {
      for (const rtl of [false, true]) {
        const context = await browser.newContext({ viewport, colorScheme, isMobile: size === 'phone', hasTouch: size === 'phone' });
        const page = await shopWithConversation(context, { rtl });
        const name = `${size}-${colorScheme}${rtl ? '-rtl' : ''}`;
        await shot(page, `${name}-open`);
        await withFiles(page);
        await shot(page, `${name}-files`);
        await page.evaluate(() => document.querySelector('support-chat').hide());
        await shot(page, `${name}-closed`);
        await context.close();
      }
    }
  }
  const context = await browser.newContext({ viewport: SIZES.desktop });
  const agent = await context.newPage();
  await agent.goto(`${server.url}/agent.html`);
  await agent.fill('input[name=password]', AGENT.password);
  await agent.fill('input[name=email]', AGENT.email);
  await agent.click('button[type=submit]');
  await agent.click('#conversations button');
  await agent.waitForFunction(() => document.querySelector('#chat').shadowRoot.querySelector('.formatted strong'));
  await agent.screenshot({ path: `${OUT}/desktop-agent-console.png` });
  written.push(`${OUT}/desktop-agent-console.png`);
  const filters = await consoleWithFilters(context);
  await filters.page.screenshot({ path: `${OUT}/desktop-agent-console-filters.png` });
  written.push(`${OUT}/desktop-agent-console-filters.png`);
  // The same console on "Resolved", the rated conversation open: who resolved it, and the visitor's word.
  await filters.page.click('#filters [data-filter="resolved"]');
  await filters.page.click(`#conversations button[data-group="${filters.resolved}"]`);
  await filters.page.waitForFunction(() => document.querySelector('#facts').textContent.includes('Resolved'));
  await filters.page.waitForFunction(() => document.querySelector('#chat').messages.length === 2);
  await filters.page.screenshot({ path: `${OUT}/desktop-agent-console-resolved.png` });
  written.push(`${OUT}/desktop-agent-console-resolved.png`);
  const themes = await context.newPage();
  await themes.goto(`${server.url}/themes.html`);
  await themes.waitForFunction(() => [...document.querySelectorAll('support-chat')].every(chat => chat.status === 'connected'));
  await themes.screenshot({ path: `${OUT}/desktop-three-themes.png`, fullPage: true });
  written.push(`${OUT}/desktop-three-themes.png`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(written.join('\n'));
