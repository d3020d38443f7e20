// React 19 typings for <support-chat>: `import type {} from 'support-chat/react'` once in the app.
// React 19 sets a prop as a property when the element has one (tokenProvider, strings), and treats
// `on` + an event's name as a listener for that event.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { SupportChat } from 'support-chat';
import type { SupportChatEventMap, SupportChatProps } from './common.js';

type SupportChatListeners = {
  [Name in keyof SupportChatEventMap as `on${Name}`]?: (event: SupportChatEventMap[Name]) => void;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'support-chat': DetailedHTMLProps<HTMLAttributes<SupportChat>, SupportChat> & SupportChatProps & SupportChatListeners;
    }
  }
}
