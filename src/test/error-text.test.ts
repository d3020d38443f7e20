import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { HttpError } from '@microsoft/signalr';
import '../define.js';
import { ChatApiError, ChatTimeoutError } from '../chat-api.js';
import { errorText, MessageTooLongError, NoConversationError } from '../error-text.js';
import { isUnreachable } from '../hub-connection-controller.js';
import { defaultStrings, mergeStrings } from '../strings.js';
import type { SupportChat } from '../support-chat.js';
import { FakeConnection } from './fake-connection.js';

describe('what the visitor reads about an error', () => {
  it('is chosen by the error class and status, never by the words of the browser', () => {
    const text = defaultStrings;
    expect(errorText(new ChatTimeoutError(15_000), text)).to.equal(text.timeout('15 s'));
    expect(errorText(new ChatApiError('Failed to fetch'), text)).to.equal(text.unreachable);
    expect(errorText(new ChatApiError('The store is down.', 503), text)).to.equal('The store is down.');
    expect(errorText(new MessageTooLongError(4000), text)).to.equal('A message can be at most 4,000 characters.');
    expect(errorText(new NoConversationError(), text)).to.equal(text.noConversation);
    const arabic = mergeStrings({ timeout: duration => `لم يرد الخادم خلال ${duration}.` });
    expect(errorText(new ChatTimeoutError(15_000), arabic)).to.equal('لم يرد الخادم خلال 15 s.');
  });

  it('a negotiate the server refused (401, 403) was reached: it does not read as "cannot reach"', () => {
    expect(isUnreachable(new HttpError('Unauthorized', 401))).to.equal(false);
    expect(isUnreachable(new HttpError('Forbidden', 403))).to.equal(false);
    expect(isUnreachable(new HttpError('Bad Gateway', 502))).to.equal(true);
  });

  it('a send the network lost shows the "cannot reach" words in its bubble, not "Failed to fetch"', async () => {
    const original = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (new Request(input, init).method === 'GET') return Response.json({ chats: [] });
      throw new TypeError('Failed to fetch');
    };
    try {
      const element = await fixture<SupportChat>(html`
        <support-chat
          mode="inline"
          hub-url="https://chat.example/hubs/groupchat"
          api-url="https://chat.example/api/"
          group="1"
          .tokenProvider=${() => 'token'}
          .createConnection=${() => new FakeConnection()}
        ></support-chat>
      `);
      await element.send('hello');
      await waitUntil(() => element.shadowRoot?.querySelector('.message .state'), 'no failed bubble');
      expect(element.shadowRoot!.querySelector('.message .state')!.textContent).to.equal(
        `${defaultStrings.failed}: ${defaultStrings.unreachable}`,
      );
    } finally {
      window.fetch = original;
    }
  });
});
