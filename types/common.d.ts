import type {
  SupportChat,
  SupportChatErrorEvent,
  SupportChatHideEvent,
  SupportChatMessageEvent,
  SupportChatSendEvent,
  SupportChatShowEvent,
  SupportChatStatusChangeEvent,
  SupportChatUnreadChangeEvent,
} from 'support-chat';

/** What a framework template may set on <support-chat>: the attributes by name, and the properties. */
export type SupportChatProps = Partial<
  Pick<
    SupportChat,
    | 'hubUrl'
    | 'group'
    | 'apiUrl'
    | 'tokenUrl'
    | 'heading'
    | 'placeholder'
    | 'open'
    | 'mode'
    | 'transport'
    | 'requestTimeout'
    | 'tokenProvider'
    | 'strings'
  >
> & {
  'hub-url'?: string;
  'api-url'?: string;
  'token-url'?: string;
  'request-timeout'?: number | string;
  'skip-negotiation'?: boolean;
};

/** The element's events by name, with their classes. */
export interface SupportChatEventMap {
  'support-chat-message': SupportChatMessageEvent;
  'support-chat-send': SupportChatSendEvent;
  'support-chat-status-change': SupportChatStatusChangeEvent;
  'support-chat-unread-change': SupportChatUnreadChangeEvent;
  'support-chat-show': SupportChatShowEvent;
  'support-chat-hide': SupportChatHideEvent;
  'support-chat-error': SupportChatErrorEvent;
}
