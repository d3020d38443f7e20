/**
 * Whether this visitor already has a conversation on a support server: a flag in `localStorage`, set once
 * the conversation holds a message. It tells the launcher to load the connection at once, so the unread
 * badge works from the first second. It is only a flag; the conversation itself is the server's (its
 * HttpOnly cookie), and no token is ever stored.
 */
const KEY_PREFIX = 'support-chat:conversation:';

/** The REST API's base: the `api-url` attribute, else the hub URL's origin. */
export function apiBaseOf(hubUrl: string | undefined, apiUrl: string | undefined): string | undefined {
  if (apiUrl) return apiUrl;
  if (!hubUrl) return undefined;
  return `${new URL(hubUrl, document.baseURI).origin}/`;
}

export function hasConversation(apiBase: string | undefined): boolean {
  if (!apiBase) return false;
  try {
    return localStorage.getItem(KEY_PREFIX + apiBase) !== null;
  } catch {
    // Storage refused (a sandboxed frame, blocked cookies): load on idle or first use instead.
    return false;
  }
}

/** Written once per page and base: messages arrive often, and storage writes are synchronous. */
const remembered = new Set<string>();

export function rememberConversation(apiBase: string | undefined): void {
  if (!apiBase || remembered.has(apiBase)) return;
  remembered.add(apiBase);
  try {
    localStorage.setItem(KEY_PREFIX + apiBase, '1');
  } catch {
    // Nothing lost: the launcher just loads the conversation a little later next time.
  }
}

/**
 * The visitor signed out: the launcher no longer loads the conversation early on this browser, and the
 * questions they answered or put away on this server (`flow-ask.ts`, one key per resolution and conversation)
 * go too: the next person on this device is asked their own, and learns nothing of the last one's conversations.
 */
export function forgetConversation(apiBase: string | undefined): void {
  if (!apiBase) return;
  remembered.delete(apiBase);
  try {
    localStorage.removeItem(KEY_PREFIX + apiBase);
    const asked = ['rating', 'contact'].map(what => `support-chat:${what}-asked:${apiBase} `);
    for (const key of Object.keys(localStorage)) if (asked.some(prefix => key.startsWith(prefix))) localStorage.removeItem(key);
  } catch {
    // Storage refused: there was no flag to forget.
  }
}
