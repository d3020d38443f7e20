import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import { hubUrl, newVisitor, postOk, proxy, until, useReferenceServer, whenConnected, type Visitor } from './reference-server.js';
import { themedWidgets } from './themes.js';

// A real 4×3 PNG (as a canvas in Chromium draws it).
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAYAAAC09K7GAAAAKUlEQVR4AVzIMQ0AAAgDQVJL9QSa8ASaIB1Y+OSWB71GihyBvZAdJvcXAAD///bIhRMAAAAGSURBVAMAs/IMy6/meZAAAAAASUVORK5CYII=';
const png = (name: string) => new File([Uint8Array.from(atob(PNG), c => c.charCodeAt(0))], name, { type: 'image/png' });
const textFile = (name: string, text = 'Order #1042, shipped twice.') => new File([text], name, { type: 'text/plain' });

const $ = <T extends Element = HTMLElement>(element: SupportChat, selector: string) => element.shadowRoot!.querySelector<T>(selector);
const $$ = (element: SupportChat, selector: string) => [...element.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const chipStates = (element: SupportChat) => $$(element, '.chip').map(chip => chip.dataset.state);
const refusals = (element: SupportChat) => $$(element, '.chip .refused').map(node => node.textContent);

function withFiles(...files: File[]) {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  return data;
}

/** Drops files on the panel, as a person dragging them from their desktop does. */
const drop = (element: SupportChat, ...files: File[]) =>
  $(element, '.panel')!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: withFiles(...files) }));

describe('attachments in the widget, against the real reference server', () => {
  const env = useReferenceServer();

  async function widget(visitor: Visitor, template = (v: Visitor) => inline(v)) {
    const host = await fixture<HTMLElement>(template(visitor));
    const element = host.localName === 'support-chat' ? (host as SupportChat) : host.querySelector('support-chat')!;
    await whenConnected(element);
    await until(() => element.shadowRoot!.querySelector('.attach'), 'no attach button');
    return element;
  }

  const inline = (v: Visitor) =>
    html`<support-chat mode="inline" hub-url=${hubUrl(env.server)} group=${v.groupId} .tokenProvider=${() => v.token}></support-chat>`;

  /** What the server stored for the conversation: `GET /chats/{groupId}` as the visitor. */
  async function stored(visitor: Visitor) {
    const response = await fetch(`${env.server.url}/chats/${visitor.groupId}`, { headers: { Authorization: `Bearer ${visitor.token}` } });
    return ((await response.json()) as { chats: { message: string; attachments: { name: string }[] }[] }).chats;
  }

  async function sendTyped(element: SupportChat, text: string) {
    const box = $<HTMLTextAreaElement>(element, 'textarea')!;
    box.focus();
    box.value = text;
    box.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await element.updateComplete;
    await until(() => !$<HTMLButtonElement>(element, 'form button[type=submit]')!.disabled, 'Send never came on');
    $<HTMLButtonElement>(element, 'form button[type=submit]')!.click();
  }

  it('a drop on the panel shows a cue, becomes a chip that uploads to done, and goes with the message', async () => {
    const visitor = await newVisitor(env.server, 'Dropper');
    const element = await widget(visitor);
    const panel = $(element, '.panel')!;
    const files = withFiles(png('screenshot.png'));
    panel.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: files }));
    await element.updateComplete;
    expect(getComputedStyle(panel).outlineStyle, 'the drop cue').to.equal('dashed');
    panel.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: files }));
    await until(() => chipStates(element).length === 1, 'the drop made no chip');
    expect(getComputedStyle(panel).outlineStyle, 'the cue after the drop').to.equal('none');
    // A preview of the picture's own bytes, before the server has it.
    expect($<HTMLImageElement>(element, '.chip img')!.src).to.match(/^blob:/);
    await until(() => chipStates(element)[0] === 'done', 'the upload never finished', 30_000);
    expect($(element, '.chips + .visually-hidden')!.textContent).to.equal('screenshot.png is ready to send.');

    await sendTyped(element, 'Here is what I see');
    await until(async () => (await stored(visitor)).length === 1, 'the message was never stored');
    const [message] = await stored(visitor);
    expect([message.message, message.attachments.map(file => file.name)]).to.deep.equal(['Here is what I see', ['screenshot.png']]);
    expect(chipStates(element), 'the chips after sending').to.deep.equal([]);
    // The bubble shows the picture from its signed URL, decoded, with its name as alt text, opening full size.
    await until(() => $<HTMLImageElement>(element, '.message .files img')?.naturalWidth, 'the thumbnail never decoded', 30_000);
    const thumbnail = $<HTMLImageElement>(element, '.message .files img')!;
    expect(thumbnail.alt).to.equal('screenshot.png');
    expect(thumbnail.src.startsWith(`${env.server.url}/files/`)).to.equal(true);
    expect(thumbnail.closest('a')!.target).to.equal('_blank');
    expect([thumbnail.getBoundingClientRect().width, thumbnail.getBoundingClientRect().height]).to.deep.equal([160, 120]);
  });

  it('files pasted into the text box become chips, removable by keyboard; a message of files alone has no empty text', async () => {
    const visitor = await newVisitor(env.server, 'Paster');
    const element = await widget(visitor);
    const box = $<HTMLTextAreaElement>(element, 'textarea')!;
    const paste = new ClipboardEvent('paste', {
      bubbles: true,
      cancelable: true,
      clipboardData: withFiles(textFile('a.txt'), textFile('b.txt')),
    });
    box.dispatchEvent(paste);
    expect(paste.defaultPrevented, 'files are not pasted into the text').to.equal(true);
    // Files with words (a copied spreadsheet cell): the words are pasted as words as well.
    const clipboard = withFiles(textFile('cell.txt'));
    clipboard.setData('text/plain', 'Order 1042');
    const mixed = new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: clipboard });
    box.dispatchEvent(mixed);
    expect(mixed.defaultPrevented, 'the words of a paste with files').to.equal(false);
    await until(() => chipStates(element).join() === 'done,done,done', 'the pasted files never uploaded', 30_000);
    $<HTMLButtonElement>(element, '.chip:last-child .remove')!.click();
    expect(element.shadowRoot!.activeElement, 'focus after removing the last chip').to.equal($(element, '.attach'));
    await until(() => chipStates(element).join() === 'done,done', 'the pasted files never uploaded', 30_000);

    $<HTMLButtonElement>(element, '.chip .remove')!.focus();
    expect($(element, '.chip .remove')!.getAttribute('aria-label')).to.equal('Remove a.txt');
    await sendKeys({ press: 'Enter' });
    await until(() => chipStates(element).length === 1, 'Enter on the remove button removed nothing');
    expect($(element, '.chip .file')!.textContent).to.equal('b.txt');
    expect(element.shadowRoot!.activeElement?.getAttribute('aria-label'), 'focus after removing a chip').to.equal('Remove b.txt');
    expect($(element, '.chips + .visually-hidden')!.textContent).to.equal('a.txt removed.');

    $<HTMLButtonElement>(element, 'form button[type=submit]')!.click();
    await until(async () => (await stored(visitor)).length === 1, 'the message was never stored');
    expect((await stored(visitor))[0].attachments.map(file => file.name)).to.deep.equal(['b.txt']);
    await until(() => $(element, '.message .files a'), 'the file never showed');
    expect($(element, '.message .text'), 'an empty text above the file').to.equal(null);
    expect($(element, '.message .files a')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('b.txt 27 byte');
  });

  it('the attach button opens the picker from the keyboard', async () => {
    const visitor = await newVisitor(env.server, 'Keyboard');
    const element = await widget(visitor);
    const input = $<HTMLInputElement>(element, 'input[type=file]')!;
    let opened = 0;
    // The browser's dialog itself is not for a test to drive: that the input was asked to open it is enough.
    input.addEventListener('click', event => (opened++, event.preventDefault()));
    const button = $<HTMLButtonElement>(element, '.attach')!;
    expect(button.getAttribute('aria-label')).to.equal('Attach files');
    button.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Space' });
    expect(opened).to.equal(2);
  });

  it('refuses an HTML page named .png on its chip, says why, announces it, and sends nothing', async () => {
    const visitor = await newVisitor(env.server, 'Hostile');
    const element = await widget(visitor);
    const hostile = new File(['<!doctype html><script>alert(1)</script>'], 'cat.png', { type: 'image/png' });
    $(element, '.panel')!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: withFiles(hostile) }));
    await until(() => chipStates(element)[0] === 'refused', 'the hostile file was never refused', 30_000);
    const reason = 'This kind of file is not allowed: send a picture (PNG, JPEG, GIF, WebP), a PDF or a text file.';
    expect($(element, '.chip .refused')!.textContent).to.equal(reason);
    expect($(element, '.chips + .visually-hidden')!.textContent).to.equal(`cat.png was not accepted: ${reason}`);
    expect($<HTMLButtonElement>(element, 'form button[type=submit]')!.disabled, 'Send with only a refused file').to.equal(true);
    expect(await stored(visitor)).to.deep.equal([]);
    $<HTMLButtonElement>(element, '.chip .remove')!.click();
    await until(() => chipStates(element).length === 0, 'the refused chip could not be removed');
  });

  describe('axe finds no violations with a formatted answer, a thumbnail and a chip on screen', () => {
    const states = themedWidgets(env, {
      attach: 'أرفق ملفات',
      attachments: 'ملفات للإرسال',
      removeFile: (n: string) => `أزل ${n}`,
    });
    for (const [state, template] of states) {
      it(`in the ${state} state`, async () => {
        const visitor = await newVisitor(env.server, state);
        const element = await widget(visitor, template);
        $(element, '.panel')!.dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: withFiles(png('photo.png')) }),
        );
        await until(() => chipStates(element)[0] === 'done', 'the upload never finished', 30_000);
        await sendTyped(element, 'A photo');
        $(element, '.panel')!.dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: withFiles(textFile('notes.txt')) }),
        );
        await postOk(env.server, env.agent, visitor.groupId, '**Thanks**, one moment:\n\n- checking', 'markdown');
        await until(
          () =>
            // Mine sent (a pending bubble is drawn faded), the answer formatted, the picture decoded, the chip done.
            element.messages.every(m => m.state === 'sent') &&
            $(element, '.message .formatted strong') &&
            $<HTMLImageElement>(element, '.message .files img')?.naturalWidth &&
            chipStates(element)[0] === 'done',
          'the answer, the thumbnail and the chip never all showed, settled',
          30_000,
        );
        await element.updateComplete;
        await Promise.all(element.shadowRoot!.getAnimations().map(animation => animation.finished));
        await expect(element).to.be.accessible();
      });
    }
  });

  it('a chip of one conversation is forgotten when the widget switches to another: its preview released, the next send goes', async () => {
    const [a, b] = await Promise.all([newVisitor(env.server, 'Switch A'), newVisitor(env.server, 'Switch B')]);
    // An agent's widget: its token opens both conversations.
    const element = await widget(
      a,
      v =>
        html`<support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${v.groupId}
          .tokenProvider=${() => env.agent}
        ></support-chat>`,
    );
    const revoked: string[] = [];
    const revoke = URL.revokeObjectURL;
    URL.revokeObjectURL = url => {
      revoked.push(url);
      revoke(url);
    };
    try {
      drop(element, png('for-a.png'));
      await until(() => chipStates(element)[0] === 'done', 'the upload never finished', 30_000);
      const preview = $<HTMLImageElement>(element, '.chip img')!.src;
      element.group = b.groupId;
      await until(() => chipStates(element).length === 0, "A's chip stayed in B's tray");
      expect(revoked, 'the previews released').to.deep.equal([preview]);
    } finally {
      URL.revokeObjectURL = revoke;
    }
    await whenConnected(element);
    await sendTyped(element, 'Only words for B');
    await until(async () => (await stored(b)).length === 1, "B's message was never stored", 30_000);
    expect((await stored(b)).map(message => [message.message, message.attachments.length])).to.deep.equal([['Only words for B', 0]]);
  });

  it('removing the element aborts its uploads and releases every preview it made', async () => {
    const visitor = await newVisitor(env.server, 'Leaver');
    const holder = await fixture<HTMLDivElement>(
      html`<div>
        <support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      </div>`,
    );
    const element = holder.querySelector('support-chat')!;
    await whenConnected(element);
    const made: string[] = [];
    const revoked: string[] = [];
    const started: XMLHttpRequest[] = [];
    const aborted: XMLHttpRequest[] = [];
    const { createObjectURL, revokeObjectURL } = URL;
    const send = XMLHttpRequest.prototype.send;
    URL.createObjectURL = object => {
      const url = createObjectURL(object);
      made.push(url);
      return url;
    };
    URL.revokeObjectURL = url => {
      revoked.push(url);
      revokeObjectURL(url);
    };
    // The element leaves the page the moment the upload has started.
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      started.push(this);
      this.addEventListener('abort', () => aborted.push(this));
      send.call(this, body);
      element.remove();
    };
    try {
      drop(element, png('left.png'), png('behind.png'));
      await until(() => !element.isConnected, 'no upload ever started', 30_000);
      // The second file's upload was still waiting for its token: it never starts.
      await until(() => aborted.length === started.length, `aborted ${aborted.length} of ${started.length} uploads`);
      expect(started, 'uploads started').to.have.length(1);
      expect(made, 'previews made').to.have.length(2);
      expect([...revoked].sort(), 'previews released').to.deep.equal([...made].sort());
    } finally {
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
      XMLHttpRequest.prototype.send = send;
    }
  });

  it('an upload the server never answers is refused after the request timeout; meanwhile the note says Send waits for it', async () => {
    const visitor = await newVisitor(env.server, 'Hung');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(
      visitor,
      v =>
        html`<support-chat
          mode="inline"
          hub-url=${`${url}/hubs/groupchat`}
          api-url=${`${url}/`}
          group=${v.groupId}
          request-timeout="3000"
          .tokenProvider=${() => v.token}
        ></support-chat>`,
    );
    await proxy(env.server, 'failNext', { method: 'POST', path: `/chats/${visitor.groupId}/files`, hang: true });
    drop(element, textFile('stuck.txt'));
    await until(() => chipStates(element)[0] === 'uploading', 'no chip');
    expect($(element, '.composer-note')?.textContent).to.equal('Send waits until the files have uploaded.');
    await until(() => chipStates(element)[0] === 'refused', 'the hung upload was never given up', 30_000);
    const reason = 'The file could not be uploaded: the support server did not answer.';
    expect(refusals(element)).to.deep.equal([reason]);
    expect($(element, '.composer-note'), 'the note once the upload is given up').to.equal(null);
    await sendTyped(element, 'Words without the file');
    await until(async () => (await stored(visitor)).length === 1, 'the words were never stored', 30_000);
  });

  it("an upload refused with another status says so in the widget's words, not the server's English", async () => {
    const visitor = await newVisitor(env.server, 'Proxied');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(
      visitor,
      v =>
        html`<support-chat
          mode="inline"
          hub-url=${`${url}/hubs/groupchat`}
          api-url=${`${url}/`}
          group=${v.groupId}
          .tokenProvider=${() => v.token}
        ></support-chat>`,
    );
    await proxy(env.server, 'failNext', {
      method: 'POST',
      path: `/chats/${visitor.groupId}/files`,
      status: 503,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ status: 503, detail: 'Storage account throttled (ServerBusy).' }),
    });
    drop(element, textFile('busy.txt'));
    await until(() => chipStates(element)[0] === 'refused', 'the upload was never refused', 30_000);
    expect(refusals(element)).to.deep.equal(['The server answered 503.']);
  });

  it("the files' live region is in the panel before anything is said, then says each file once", async () => {
    const element = await widget(await newVisitor(env.server, 'Heard'));
    const region = $(element, '[aria-live]')!;
    expect(region, 'the live region before any file').to.not.equal(null);
    expect(region.textContent!.trim()).to.equal('');
    const heard: string[] = [];
    const listener = new MutationObserver(() => heard.push(region.textContent!.trim()));
    listener.observe(region, { childList: true, characterData: true, subtree: true });
    drop(element, ...Array.from({ length: 11 }, (_, i) => textFile(`n-${i + 1}.txt`)));
    await until(() => chipStates(element).length === 11 && !chipStates(element).includes('uploading'), 'the uploads never settled', 30_000);
    listener.disconnect();
    expect($(element, '[aria-live]'), 'the same region').to.equal(region);
    const started = heard.filter(words => words.includes('Uploading'));
    expect(started, heard.join(' | ')).to.have.length(1);
    expect(started[0]).to.match(
      /^Uploading n-1\.txt Uploading n-2\.txt .*Uploading n-10\.txt n-11\.txt was not accepted: A message can carry at most 10 files\.$/,
    );
  });
});

describe('files refused by a server with small limits: 2 uploads per window, 1,000 bytes a file', () => {
  const env = useReferenceServer({ SUPPORTCHAT_UPLOAD_LIMIT: '2', SUPPORTCHAT_MAX_FILE_BYTES: '1000' });

  async function widget(visitor: Visitor) {
    const element = await fixture<SupportChat>(
      html`<support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>`,
    );
    await whenConnected(element);
    await until(() => $(element, '.attach'), 'no attach button');
    return element;
  }

  it('a file over the limit is refused as too big, on its chip and aloud', async () => {
    const element = await widget(await newVisitor(env.server, 'Big'));
    drop(element, textFile('big.txt', 'x'.repeat(1001)));
    await until(() => chipStates(element)[0] === 'refused', 'the big file was never refused', 30_000);
    const reason = 'The file is larger than this chat takes.';
    expect(refusals(element)).to.deep.equal([reason]);
    expect($(element, '.chips + .visually-hidden')!.textContent).to.equal(`big.txt was not accepted: ${reason}`);
  });

  it('uploads past the rate limit are refused with the wait, and an 11th file for one message is refused before any upload', async () => {
    const element = await widget(await newVisitor(env.server, 'Many'));
    const uploads = () => performance.getEntriesByType('resource').filter(entry => entry.name.endsWith('/files')).length;
    const before = uploads();
    drop(element, ...Array.from({ length: 11 }, (_, i) => textFile(`note-${i + 1}.txt`)));
    await until(() => chipStates(element).length === 11 && !chipStates(element).includes('uploading'), 'the uploads never settled', 30_000);
    expect(
      chipStates(element).filter(state => state === 'done'),
      refusals(element).join(' | '),
    ).to.have.length(2);
    const refused = refusals(element);
    expect(refused).to.have.length(9);
    expect(
      refused.slice(0, 8).every(reason => /^Too many files at once\. Try again in \d+ s\.$/.test(reason!)),
      refused.join(' | '),
    ).to.equal(true);
    expect(refused[8]).to.equal('A message can carry at most 10 files.');
    expect(uploads() - before, 'requests made').to.equal(10);
  });
});
