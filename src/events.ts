import type { ChatMessage, ChatStatus } from './types.js';

const init = { bubbles: true, composed: true } as const;

/** A message new to the conversation arrived, from a push or a catch-up after a reconnect. */
export class SupportChatMessageEvent extends Event {
  constructor(readonly message: ChatMessage) {
    super('support-chat-message', init);
  }
}

/** The visitor pressed send. Cancel it to keep the message from going out. */
export class SupportChatSendEvent extends Event {
  constructor(readonly text: string) {
    super('support-chat-send', { ...init, cancelable: true });
  }
}

export class SupportChatStatusChangeEvent extends Event {
  constructor(readonly status: ChatStatus) {
    super('support-chat-status-change', init);
  }
}

export class SupportChatUnreadChangeEvent extends Event {
  constructor(readonly unreadCount: number) {
    super('support-chat-unread-change', init);
  }
}

export class SupportChatShowEvent extends Event {
  constructor() {
    super('support-chat-show', init);
  }
}

export class SupportChatHideEvent extends Event {
  constructor() {
    super('support-chat-hide', init);
  }
}

/** Something went wrong that the widget also shows: a refused join, a failed send, a token that could not be had. */
export class SupportChatErrorEvent extends Event {
  constructor(readonly error: Error) {
    super('support-chat-error', init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'support-chat-message': SupportChatMessageEvent;
    'support-chat-send': SupportChatSendEvent;
    'support-chat-status-change': SupportChatStatusChangeEvent;
    'support-chat-unread-change': SupportChatUnreadChangeEvent;
    'support-chat-show': SupportChatShowEvent;
    'support-chat-hide': SupportChatHideEvent;
    'support-chat-error': SupportChatErrorEvent;
  }
}
