// React 19: the widget in a page of the app, with the app's own sign-in giving the token.
import { useCallback, useState } from 'react';
import 'support-chat/define.js';
import type { SupportChatMessageEvent } from 'support-chat';
import type {} from 'support-chat/react';

export function SupportWidget({ getToken, conversation }: { getToken: () => Promise<string>; conversation: string }) {
  const [unread, setUnread] = useState(0);
  const onMessage = useCallback((event: SupportChatMessageEvent) => {
    if (event.message.name !== 'You') setUnread(count => count + 1);
  }, []);

  return (
    <>
      <p>New support messages: {unread}</p>
      <support-chat
        hub-url="https://support.example.com/hubs/groupchat"
        group={conversation}
        heading="Help"
        tokenProvider={getToken}
        onsupport-chat-message={onMessage}
        onsupport-chat-show={() => setUnread(0)}
      />
    </>
  );
}
