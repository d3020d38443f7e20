import { waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { SupportChat } from '../../support-chat.js';

/** A real reference server started for this test file by the web-test-runner plugin. */
export interface ServerHandle {
  id: string;
  url: string;
  agent: { email: string; password: string };
}

export interface Visitor {
  token: string;
  userId: number;
  groupId: string;
}

const command = <T>(payload: Record<string, unknown>) =>
  executeServerCommand<T, Record<string, unknown>>('reference-server', payload) as Promise<T>;

/** How long a server may take to answer after a start or restart: .NET starts slowly on a loaded machine. */
const STARTUP_LIMIT_MS = 120_000;

/** Asks until the server answers: each command waits a while, and says whether it answered by then. */
async function whenReady(server: { id: string; ready: boolean }) {
  const deadline = performance.now() + STARTUP_LIMIT_MS;
  for (let { ready } = server; !ready; { ready } = await command<{ ready: boolean }>({ action: 'ready', id: server.id })) {
    if (performance.now() > deadline) throw new Error(`Reference server ${server.id} did not answer within ${STARTUP_LIMIT_MS / 1000} s.`);
  }
}

/** `env`: settings for this server only, e.g. `{ SUPPORTCHAT_SEND_LIMIT: '3' }`. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerHandle> {
  const { ready, ...server } = await command<ServerHandle & { ready: boolean }>({ action: 'start', env });
  await whenReady({ id: server.id, ready });
  return server;
}
export const stopServer = (server: ServerHandle) => command({ action: 'stop', id: server.id });
/** Kills the server process (connections drop without a close), waits `downMs`, starts it again and waits until it answers. */
export async function restartServer(server: ServerHandle, downMs = 0) {
  const { ready } = await command<{ ready: boolean }>({ action: 'restart', id: server.id, downMs });
  await whenReady({ id: server.id, ready });
}
/** Kills the server process; `restartServer` brings it back on the same port and database. */
export const killServer = (server: ServerHandle) => command({ action: 'kill', id: server.id });

/**
 * Starts a server of its own for the enclosing `describe`, signs the agent in, and stops the server after
 * the last test. Read `server` and `agent` inside tests, once the `before` hook has run.
 */
export function useReferenceServer(env: Record<string, string> = {}): { server: ServerHandle; agent: string } {
  const context = {} as { server: ServerHandle; agent: string };
  before(async function () {
    // Starting .NET on a loaded machine is what this waits for, however long it takes within the limit.
    this.timeout(STARTUP_LIMIT_MS + 30_000);
    context.server = await startServer(env);
    context.agent = await agentToken(context.server);
  });
  after(() => stopServer(context.server));
  return context;
}

export interface ProxyRule {
  method: string;
  path: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
  loseResponse?: boolean;
}

/**
 * The fault proxy in front of a server: `url` is where a widget connects to be at its mercy. `pause`
 * stalls every byte, `drop` resets every connection, `cut` refuses connections until `restore`,
 * `refuseWebSockets` resets WebSocket upgrades (the other transports pass) until `allowWebSockets`.
 */
export const proxy = (
  server: ServerHandle,
  op: 'start' | 'pause' | 'resume' | 'drop' | 'cut' | 'restore' | 'refuseWebSockets' | 'allowWebSockets' | 'failNext',
  rule?: ProxyRule,
) => command<{ url: string; transportsSeen: string[] }>({ action: 'proxy', id: server.id, op, rule });

export const hubUrl = (server: ServerHandle) => `${server.url}/hubs/groupchat`;

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function agentToken(server: ServerHandle): Promise<string> {
  const response = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(server.agent),
  });
  return (await json<{ token: string }>(response)).token;
}

/** A new anonymous visitor: no cookie goes along, so each call is somebody else. */
export async function newVisitor(server: ServerHandle, name?: string): Promise<Visitor> {
  const response = await fetch(`${server.url}/visitors`, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const visitor = await json<{ token: string; userId: number; groupId: number }>(response);
  return { ...visitor, groupId: String(visitor.groupId) };
}

/** `POST /chats/{groupId}` as the holder of `token`; answers the raw response. `format`: `markdown` for an agent's formatted message. */
export function post(server: ServerHandle, token: string, groupId: string, message: string, format?: 'markdown'): Promise<Response> {
  return fetch(`${server.url}/chats/${groupId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ groupId, message, format }),
  });
}

export async function postOk(server: ServerHandle, token: string, groupId: string, message: string, format?: 'markdown'): Promise<number> {
  return (await json<{ chat: { id: number } }>(await post(server, token, groupId, message, format))).chat.id;
}

/**
 * An agent that keeps sending, as a person at a console would: each message has its own client id, and a
 * send that fails for the moment (the server is down or restarting: no answer, or a 5xx) is tried again
 * until it is accepted, so the server stores it once. A 4xx is the test's own mistake and fails at once.
 * `onSent(n)` runs after message n is accepted.
 */
export async function agentSends(
  server: ServerHandle,
  token: string,
  groupId: string,
  texts: string[],
  onSent: (n: number) => Promise<void> | void = () => {},
) {
  for (const [index, message] of texts.entries()) {
    const clientMessageId = `agent-${groupId}-${index}-${message}`;
    for (;;) {
      let response: Response | undefined;
      try {
        response = await fetch(`${server.url}/chats/${groupId}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ groupId, message, clientMessageId }),
        });
      } catch {
        // The server is away; it comes back.
      }
      if (response?.ok) break;
      if (response && response.status < 500)
        throw new Error(`Sending "${message}" was refused with ${response.status}: ${await response.text()}`);
      // A pause between tries, as a person would make: the server's way back is what is waited for.
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await onSent(index + 1);
  }
}

/** Waits until the widget shows `expected`, then checks it shows each exactly once, in id order. */
export async function expectAllOnce(element: SupportChat, expected: string[], timeout = 30_000) {
  await until(
    () => shownTexts(element).length >= expected.length,
    `only ${shownTexts(element).length} of ${expected.length} arrived`,
    timeout,
  );
  const ids = element.messages.map(m => m.id);
  if (new Set(ids).size !== ids.length) throw new Error('a message id is shown twice');
  const sorted = [...ids].sort((a, b) => a! - b!);
  if (ids.some((id, i) => id !== sorted[i])) throw new Error('messages are out of order');
  if (JSON.stringify(shownTexts(element)) !== JSON.stringify(expected)) {
    throw new Error(`shown: ${JSON.stringify(shownTexts(element))}`);
  }
}

export const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

/** An inline widget on a conversation for the holder of `token`, made but not yet in the page. */
export function inlineWidget(server: ServerHandle, groupId: string, token: string): SupportChat {
  const element = document.createElement('support-chat');
  element.mode = 'inline';
  element.hubUrl = hubUrl(server);
  element.group = groupId;
  element.tokenProvider = () => token;
  return element;
}

/** The message bubbles as a person sees them: their text, in screen order. */
export function shownTexts(element: SupportChat): string[] {
  return [...element.shadowRoot!.querySelectorAll('.message .text')].map(node => node.textContent ?? '');
}

export function bubbles(element: SupportChat): HTMLElement[] {
  return [...element.shadowRoot!.querySelectorAll<HTMLElement>('.message')];
}

/** How far below the top of the visible list the bubble with this text is, in pixels: where the reader sees it. */
export function offsetInList(element: SupportChat, text: string): number {
  const log = element.shadowRoot!.querySelector('.log')!;
  const bubble = bubbles(element).find(b => b.querySelector('.text')!.textContent === text)!;
  return bubble.getBoundingClientRect().top - log.getBoundingClientRect().top;
}

export const until = (predicate: () => unknown, message: string, timeout = 15_000) =>
  waitUntil(predicate, message, { timeout, interval: 20 });

export const whenConnected = (element: SupportChat) => until(() => element.status === 'connected', 'the widget never connected');

// Resource timing keeps 250 entries by default; a long test file makes more requests than that.
performance.setResourceTimingBufferSize(10_000);

/**
 * History requests this page has made for a conversation, from the browser's own resource timing. The
 * widget always pages its history (`?limit=`, `?afterId=`), and a POST never has a query.
 */
export function historyRequests(server: ServerHandle, groupId: string): number {
  return performance.getEntriesByType('resource').filter(entry => entry.name.startsWith(`${server.url}/chats/${groupId}?`)).length;
}
