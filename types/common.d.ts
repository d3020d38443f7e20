// Importing the package brings its GlobalEventHandlersEventMap entries into scope.
import type { SupportChat } from 'support-chat';

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
    | 'theme'
    | 'sound'
    | 'skipNegotiation'
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

/** The element's events by name, with their classes: taken from its own GlobalEventHandlersEventMap entries. */
export type SupportChatEventMap = {
  [Name in keyof GlobalEventHandlersEventMap as Name extends `support-chat-${string}` ? Name : never]: GlobalEventHandlersEventMap[Name];
};
