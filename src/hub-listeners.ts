import type { ChatConnection } from './hub-connection.js';
import { HubMethods } from './hub-protocol.js';

/** What the widget hears from one connection. */
export interface HubListeners {
  /** Every `ReceiveMessage` argument, unparsed. */
  message: (payload: unknown) => void;
  /** Every `UserTyping` argument, unparsed. */
  typing: (payload: unknown) => void;
  /** A push of the support workflow (`WORKFLOW_PUSHES`), by name, unparsed. */
  workflow: (name: string, payload: unknown) => void;
  /** A connection made by a page's own factory may reconnect by itself: it is trying. */
  reconnecting: () => void;
  /** … and it is back. */
  reconnected: () => void;
  /** It ended without being asked to. */
  closed: () => void;
}

/** The reference server's pushes of a conversation's life: its state, read marks, whether the team is there. */
export const WORKFLOW_PUSHES = ['ConversationState', 'ReadUpTo', 'Availability'];

/**
 * Registers the listeners on a connection. Its life events reach them only while `live` says it is still
 * the connection in use (SignalR cannot remove those); the returned function removes the hub methods' handlers.
 */
export function listen(connection: ChatConnection, live: () => boolean, on: HubListeners): () => void {
  const message = (...args: unknown[]) => on.message(args[0]);
  const typing = (...args: unknown[]) => on.typing(args[0]);
  connection.on(HubMethods.receiveMessage, message);
  connection.on(HubMethods.userTyping, typing);
  const flows = WORKFLOW_PUSHES.map(name => [name, (payload: unknown) => on.workflow(name, payload)] as const);
  for (const [name, handler] of flows) connection.on(name, handler);
  connection.onreconnecting(() => live() && on.reconnecting());
  connection.onreconnected(() => live() && on.reconnected());
  connection.onclose(() => live() && on.closed());
  return () => {
    connection.off(HubMethods.receiveMessage, message);
    connection.off(HubMethods.userTyping, typing);
    for (const [name, handler] of flows) connection.off(name, handler);
  };
}
