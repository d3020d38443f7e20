// Vue 3 typings for <support-chat>: `import type {} from 'support-chat/vue'` once in the app, and tell
// the compiler the tag is a custom element (compilerOptions.isCustomElement). The shape is the one Vue's
// guide gives for custom elements: props in `$props`, events by their own names in `$emit`.
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { SupportChat } from 'support-chat';
import type { SupportChatEventMap, SupportChatProps } from './common.js';

type SupportChatEmits = EmitFn<{ [Name in keyof SupportChatEventMap]: (event: SupportChatEventMap[Name]) => void }>;

declare module 'vue' {
  interface GlobalComponents {
    'support-chat': new () => SupportChat & {
      /** For template type checking only: the props a template may set. */
      $props: HTMLAttributes & SupportChatProps & PublicProps;
      /** For template type checking only: the events a template may listen to. */
      $emit: SupportChatEmits;
    };
  }
}
