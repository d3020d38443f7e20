// Angular: a standalone component with the widget. CUSTOM_ELEMENTS_SCHEMA lets the template use the tag;
// [tokenProvider] sets the property, (support-chat-message) listens to the event.
import { Component, CUSTOM_ELEMENTS_SCHEMA, input, signal } from '@angular/core';
import 'support-chat/define.js';
import type { SupportChatMessageEvent } from 'support-chat';

@Component({
  selector: 'app-support-widget',
  standalone: true,
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <p>New support messages: {{ unread() }}</p>
    <support-chat
      hub-url="https://support.example.com/hubs/groupchat"
      [group]="conversation()"
      heading="Help"
      [tokenProvider]="getToken()"
      (support-chat-message)="onMessage($event)"
      (support-chat-show)="unread.set(0)"
    ></support-chat>
  `,
})
export class SupportWidgetComponent {
  readonly getToken = input.required<() => Promise<string>>();
  readonly conversation = input.required<string>();
  readonly unread = signal(0);

  onMessage(event: Event) {
    const { message } = event as SupportChatMessageEvent;
    if (message.name !== 'You') this.unread.update(count => count + 1);
  }
}
