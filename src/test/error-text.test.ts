import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { HttpError } from '@microsoft/signalr';
import '../define.js';
import { ChatApiError, ChatStatusError, ChatTimeoutError } from '../chat-api.js';
import { errorText, failedSendText, MessageTooLongError, NoConversationError, NoTokenSourceError } from '../error-text.js';
import { isUnreachable } from '../hub-connection-controller.js';
import { defaultStrings, mergeStrings } from '../strings.js';
import { ConversationNotice } from '../conversation-notice.js';
import { NoAnswerError, SignedOutError, SignInError } from '../token-source.js';
import type { SupportChat } from '../support-chat.js';
import { FakeConnection } from './fake-connection.js';

describe('what the visitor reads about an error', () => {
  it("the banner and support-chat-error say nothing of a token refused because the person changed, and say a sign-in's failure", () => {
    const host = Object.assign(new EventTarget(), { requestUpdate: () => {}, addController: () => {}, removeController: () => {} });
    const events: string[] = [];
    host.addEventListener('support-chat-error', event => events.push((event as unknown as { error: Error }).error.name));
    const notice = new ConversationNotice(host as never, () => defaultStrings);
    notice.fail(new SignedOutError());
    notice.connectionFailed(new SignedOutError(), undefined);
    expect([notice.text, events]).to.deep.equal([undefined, []]);
    notice.fail(new SignInError('The token endpoint answered 500.'));
    expect([notice.text, events]).to.deep.equal([defaultStrings.signInFailed, ['SignInError']]);
  });

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

  it('a status without a sentence of the server, and a missing token source, read in the strings given', () => {
    const text = mergeStrings({
      serverAnswered: status => `أجاب الخادم ${status}.`,
      noTokenSource: 'لا يمكن لهذه المحادثة تسجيل الدخول.',
    });
    expect(errorText(new ChatStatusError(502), text)).to.equal('أجاب الخادم 502.');
    expect(errorText(new NoTokenSourceError(), text)).to.equal('لا يمكن لهذه المحادثة تسجيل الدخول.');
    expect(errorText(new ChatStatusError(502), defaultStrings)).to.equal('The server answered 502.');
  });

  it('a hub or token provider that does not answer, and a token endpoint that refuses, read in the strings given', () => {
    const text = mergeStrings({ timeout: duration => `لم يرد الخادم خلال ${duration}.`, signInFailed: 'تعذّر تسجيل الدخول.' });
    expect(errorText(new NoAnswerError('The hub', 15_000), text)).to.equal('لم يرد الخادم خلال 15 s.');
    expect(errorText(new SignInError('The token endpoint answered 500.'), text)).to.equal('تعذّر تسجيل الدخول.');
  });

  it('a bubble that failed offline says so', () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      expect(failedSendText(new ChatApiError('Failed to fetch'), defaultStrings)).to.equal(defaultStrings.failedOffline);
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
    expect(navigator.onLine).to.equal(true);
  });

  it('a failed bubble says it was not sent and waits for its retry; only the banner says "trying again"', () => {
    const text = defaultStrings;
    const lost = new ChatApiError('Failed to fetch');
    expect(errorText(lost, text)).to.equal(text.unreachable);
    expect(failedSendText(lost, text)).to.equal(text.failedUnreachable);
    // Timed out is not lost: the server may have stored it, and its retry will not store it twice.
    expect(failedSendText(new ChatTimeoutError(15_000), text)).to.equal(text.failedTimeout('15 s'));
    expect(failedSendText(new ChatApiError('The store is down.', 503), text)).to.equal('The store is down.');
  });

  it('a negotiate the server refused (401, 403) was reached: it does not read as "cannot reach"', () => {
    expect(isUnreachable(new HttpError('Unauthorized', 401))).to.equal(false);
    expect(isUnreachable(new HttpError('Forbidden', 403))).to.equal(false);
    expect(isUnreachable(new HttpError('Bad Gateway', 502))).to.equal(true);
  });

  it('a send the network lost says so in its bubble with its retry, not "Failed to fetch" nor "Trying again"', async () => {
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
      const bubble = element.shadowRoot!.querySelector('.message')!;
      // What is true of the bubble: not sent, and it goes again when the visitor presses Retry, not by itself.
      expect(bubble.querySelector('.state')!.textContent).to.equal(`${defaultStrings.failed}: ${defaultStrings.failedUnreachable}`);
      expect(bubble.textContent).to.not.contain('Trying again');
      expect(bubble.querySelector('button.retry')?.textContent).to.equal(defaultStrings.retry);
    } finally {
      window.fetch = original;
    }
  });
});
