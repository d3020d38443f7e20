export { SupportChat } from './support-chat.js';
export {
  SupportChatErrorEvent,
  SupportChatHideEvent,
  SupportChatMessageEvent,
  SupportChatSendEvent,
  SupportChatShowEvent,
  SupportChatStatusChangeEvent,
  SupportChatUnreadChangeEvent,
} from './events.js';
export type { ChatConnection, ConnectionFactory, ConnectionSettings, TransportName } from './hub-connection.js';
export type { SupportChatStringOverrides, SupportChatStrings } from './strings.js';
export type { ChatMessage, ChatStatus, DeliveryState, TokenProvider } from './types.js';
