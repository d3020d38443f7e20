import { html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../define.js';
import type { SupportChatStringOverrides } from '../../strings.js';
import { hubUrl, type ServerHandle, type Visitor } from './reference-server.js';

/** A widget open in one of the looks axe must pass: its name, and the page around it for a visitor. */
export type ThemedWidget = [name: string, template: (visitor: Visitor) => TemplateResult];

const arabic: SupportChatStringOverrides = {
  heading: 'الدعم',
  placeholder: 'اكتب رسالة…',
  send: 'إرسال',
  open: 'افتح الدردشة',
  close: 'أغلق الدردشة',
  you: 'أنت',
};

/**
 * The open widget light, dark, and right to left in Arabic, where every state the project draws must pass
 * axe. `env`: read when a test draws, as its server starts in a `before` hook. `strings`: more Arabic for the
 * texts a test puts on screen.
 */
export function themedWidgets(env: { readonly server: ServerHandle }, strings: SupportChatStringOverrides = {}): ThemedWidget[] {
  return [
    [
      'light',
      v => html`<support-chat open hub-url=${hubUrl(env.server)} group=${v.groupId} .tokenProvider=${() => v.token}></support-chat>`,
    ],
    [
      'dark',
      v =>
        html`<support-chat
          open
          theme="dark"
          hub-url=${hubUrl(env.server)}
          group=${v.groupId}
          .tokenProvider=${() => v.token}
        ></support-chat>`,
    ],
    [
      'right-to-left',
      v => html`
        <div dir="rtl" lang="ar">
          <support-chat
            open
            hub-url=${hubUrl(env.server)}
            group=${v.groupId}
            .tokenProvider=${() => v.token}
            .strings=${{ ...arabic, ...strings }}
          ></support-chat>
        </div>
      `,
    ],
  ];
}
