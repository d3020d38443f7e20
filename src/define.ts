import { SupportChat } from './support-chat.js';

export { SupportChat };

/** The package's one side effect: registers `<support-chat>` where there is a registry and the tag is free. */
if (typeof customElements !== 'undefined' && !customElements.get('support-chat')) {
  customElements.define('support-chat', SupportChat);
}

declare global {
  interface HTMLElementTagNameMap {
    'support-chat': SupportChat;
  }
}
