import { ChatApi } from './chat-api.js';
import { apiBaseOf } from './conversation-memory.js';
import type { TokenGrant } from './token-source.js';

/**
 * The grant for a visitor who signed in with `token`: their conversation is the page's `group`, else the newest
 * the server lists for them, else a new one; none from a server without the list (the page must name it).
 */
export async function signIn(
  token: string,
  host: { readonly group?: string; readonly hubUrl?: string; readonly apiUrl?: string; readonly requestTimeout: number },
): Promise<TokenGrant> {
  if (host.group !== undefined) return { token };
  const api = new ChatApi(
    apiBaseOf(host.hubUrl, host.apiUrl) ?? '',
    { current: async () => token, fresh: async () => token },
    () => host.requestTimeout,
  );
  try {
    const list = (await api.call('visitors/conversations')) as { conversations: { groupId: number }[] };
    const newest = list.conversations[0] ?? ((await api.call('visitors/conversations', {})) as { groupId: number });
    return { token, groupId: String(newest.groupId) };
  } catch {
    return { token };
  }
}
