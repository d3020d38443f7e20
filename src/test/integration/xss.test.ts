import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import { bubbles, hubUrl, inlineWidget, newVisitor, postOk, until, useReferenceServer, whenConnected } from './reference-server.js';

/**
 * Each vector, if it ever ran, would call `window.__xss(n)`. They cover script and event-handler
 * markup, javascript:/data: URLs, SVG and MathML, mutation XSS, CSS injection, template and attribute
 * breakouts, and bidi and zero-width tricks.
 */
const V = (n: number) => `__xss(${n})`;
const vectors: string[] = [
  `<script>${V(1)}</script>`,
  `<img src=x onerror=${V(2)}>`,
  `<img src="x" onerror="${V(3)}">`,
  `<svg onload=${V(4)}>`,
  `<svg><script>${V(5)}</script></svg>`,
  `<svg><animate onbegin=${V(6)} attributeName=x dur=1s>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${V(7)}>`,
  `<iframe src="javascript:${V(8)}"></iframe>`,
  `<iframe srcdoc="<script>parent.${V(9)}</script>"></iframe>`,
  `<a href="javascript:${V(10)}">click</a>`,
  `javascript:${V(11)}`,
  `JaVaScRiPt:${V(12)}`,
  ` javascript:${V(13)}`,
  `data:text/html,<script>${V(14)}</script>`,
  `data:text/html;base64,PHNjcmlwdD5fX3hzcygxNSk8L3NjcmlwdD4=`,
  `<body onload=${V(16)}>`,
  `<input autofocus onfocus=${V(17)}>`,
  `<details open ontoggle=${V(18)}>`,
  `<video><source onerror=${V(19)}></video>`,
  `<audio src=x onerror=${V(20)}>`,
  `<object data="javascript:${V(21)}">`,
  `<embed src="javascript:${V(22)}">`,
  `<form><button formaction="javascript:${V(23)}">go</button></form>`,
  `<marquee onstart=${V(24)}>`,
  `<div style="background:url(javascript:${V(25)})">`,
  `<style>*{background:url("javascript:${V(26)}")}</style>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `</style><style>:host{display:none}</style>`,
  `<link rel=stylesheet href=https://evil.example/x.css>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${V(30)}">`,
  `<base href="javascript:${V(31)}//">`,
  `<noscript><p title="</noscript><img src=x onerror=${V(32)}>">`,
  `<svg><style><img src=x onerror=${V(33)}></style></svg>`,
  `<math><style><img src=x onerror=${V(34)}></style></math>`,
  `<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=${V(35)} src>">`,
  `<xmp><img src=x onerror=${V(36)}></xmp>`,
  `<textarea><img src=x onerror=${V(37)}></textarea>`,
  `<template><img src=x onerror=${V(38)}></template>`,
  `"><img src=x onerror=${V(39)}>`,
  `'><img src=x onerror=${V(40)}>`,
  `\${${V(41)}}`,
  `{{constructor.constructor('${V(42)}')()}}`,
  `<!--<img src="--><img src=x onerror=${V(43)}//">`,
  `<img src=x onerror=&#95;&#95;xss&#40;44&#41;>`,
  `<img src=x onerror=\\u005f_xss(45)>`,
  `<a href="&#106;avascript:${V(46)}">x</a>`,
  `<svg><a xlink:href="javascript:${V(47)}"><text y=20>x</text></a></svg>`,
  `<isindex action=javascript:${V(48)} type=image>`,
  `https://example.com/"onmouseover="${V(49)}`,
  `https://example.com/<script>${V(50)}</script>`,
  `\u202E${V(51)}gnp.exe`,
  `admin\u200B\u200C\u200D\uFEFFroot`,
  `\u2066<img src=x onerror=${V(53)}>\u2069`,
  `<IMG SRC=JaVaScRiPt:${V(54)}>`,
  `<img src=x:alert(1) onerror=eval(atob('X194c3MoNTUp'))>`,
];

/**
 * An agent's formatted (markdown) messages: hostile links, images, raw HTML and mutation XSS shapes from
 * DOMPurify's own test suite and the advisories issue #14 names. Each pair is the markdown and what a
 * person should read; `same` means the text as typed (raw HTML is never markup, only text).
 */
const same = Symbol('as typed');
const markdownVectors: [string, string | typeof same][] = [
  [`[click](javascript:${V(201)})`, 'click'],
  [`[click](JaVaScRiPt:${V(202)})`, 'click'],
  [`[click](&#106;avascript:${V(203)})`, 'click'],
  [`[click](&#x6A;&#x61;vascript:${V(204)})`, 'click'],
  [`[click](java\tscript:${V(205)})`, same],
  [`[click](java%09script:${V(206)})`, 'click'],
  [`[click]( javascript:${V(207)})`, 'click'],
  [`[click](<javascript:${V(208)}>)`, 'click'],
  [`[click](data:text/html;base64,PHNjcmlwdD5fX3hzcygyMDkpPC9zY3JpcHQ+)`, 'click'],
  [`[click](data:text/html,<script>${V(210)}</script>)`, 'click'],
  [`[click](vbscript:msgbox(211))`, 'click'],
  [`[click](//evil.example/path)`, 'click'],
  [`[click](/relative/path)`, 'click'],
  [`<javascript:${V(214)}>`, `javascript:${V(214)}`],
  [`<JAVASCRIPT:${V(215)}>`, `JAVASCRIPT:${V(215)}`],
  [`<data:text/html;base64,PHNjcmlwdD4=>`, 'data:text/html;base64,PHNjcmlwdD4='],
  [`[x][1]\n\n[1]: javascript:${V(217)}`, 'x'],
  [`[x][r]\n\n[r]: <javascript:${V(218)}> "title"`, 'x'],
  [`[x]\n\n[x]: data:text/html,${V(219)}`, 'x'],
  [`![x](javascript:${V(220)})`, 'x'],
  [`![alt" onerror="${V(221)}](https://example.com/a.png)`, `alt" onerror="${V(221)}`],
  [`![](data:image/svg+xml,<svg onload=${V(222)}>)`, same],
  [`[![inner](https://example.com/a.png)](javascript:${V(223)})`, 'inner'],
  [`![receipt](https://example.com/r.png)`, 'receipt'],
  [`[\u202Etxt.exe](https://example.com/report)`, '\u202Etxt.exe'],
  [`[https://bank.example](https://evil.example/\u202E)`, 'https://bank.example'],
  [`[click](https://example.com "t\\" onmouseover=\\"${V(227)}")`, 'click'],
  [`[click](https://example.com/"onmouseover="${V(228)})`, 'click'],
  [`**[click](javascript:${V(229)})**`, 'click'],
  [`[<img src=x onerror=${V(230)}>](https://example.com)`, `<img src=x onerror=${V(230)}>`],
  [`\`<img src=x onerror=${V(231)}>\``, `<img src=x onerror=${V(231)}>`],
  ['```html\n<script>' + V(232) + '</script>\n```', `<script>${V(232)}</script>\n`],
  [`<a href="javascript:${V(233)}" target="_self">self</a>`, same],
  [`<a href="https://example.com" target=_self rel=opener>x</a>`, same],
  [`<!-- <img src=x onerror=${V(235)}> -->`, same],
  [`x <!-- y --> z`, same],
  [`<img src=x onerror=${V(237)}>`, same],
  [`<svg onload=${V(238)}>`, same],
  [`<svg><script>${V(239)}</script></svg>`, same],
  [`<iframe src="javascript:${V(240)}"></iframe>`, same],
  [`<iframe srcdoc="<script>parent.${V(241)}</script>"></iframe>`, same],
  [`<math><mtext><table><mglyph><style><img src=x onerror=${V(242)}>`, same],
  [`<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=${V(243)} src>">`, same],
  [`<noscript><p title="</noscript><img src=x onerror=${V(244)}>">`, same],
  [`<listing>&lt;img onerror="${V(245)}" src=x&gt;<t t></listing>`, `<listing><img onerror="${V(245)}" src=x><t t></listing>`],
  [`<img src=x id/=' onerror=${V(246)}//'>`, same],
  [`<textarea>a</textarea><!--</textarea><img src=x onerror=${V(247)}>-->`, same],
  [`<b><noscript><!-- </noscript><img src=x onerror=${V(248)} --></noscript>`, same],
  [`<option><style></option></select><b><img src=x onerror=${V(249)}></style></option>`, same],
  [`<b><style><style/><img src=x onerror=${V(250)}>`, same],
  [`<svg></p><style><a id="</style><img src=1 onerror=${V(251)}>">`, same],
  [`<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=${V(252)} src=1>">`, same],
  [`<a href="&#x6A;avascript:${V(253)}">x</a>`, same],
  [`<a href="java&#x09;script:${V(254)}">x</a>`, same],
  [`<details open ontoggle=${V(255)}>`, same],
  [`<object data="javascript:${V(256)}">`, same],
  [`<style>@import 'https://evil.example/x.css';</style>`, same],
  [`<div style="background:url(javascript:${V(258)})">styled</div>`, same],
  [`<b onmouseover=${V(259)}>bold</b>`, same],
  [`<em><strong>unclosed <img src=x onerror=${V(260)}>`, same],
  [`**bold <img src=x onerror=${V(261)}>**`, `bold <img src=x onerror=${V(261)}>`],
  [`<scr<script>ipt>${V(262)}</scr</script>ipt>`, same],
  [`<a href="https://example.com">\u202Egnp.exe</a>`, same],
  [`<template><img src=x onerror=${V(264)}></template>`, same],
  [`<meta http-equiv="refresh" content="0;url=javascript:${V(265)}">`, same],
  [`<base href="javascript:${V(266)}//">`, same],
  [`<input autofocus onfocus=${V(267)}>`, same],
  [`[x](https://example.com)<img src=x onerror=${V(268)}>`, `x<img src=x onerror=${V(268)}>`],
  [`<https://example.com/"onmouseover="${V(269)}>`, `https://example.com/"onmouseover="${V(269)}`],
  [`www.example.com/"><img src=x onerror=${V(270)}>`, same],
  [`- item <img src=x onerror=${V(271)}>\n- [x](javascript:${V(271)})`, `item <img src=x onerror=${V(271)}>x`],
  [`> quote <svg onload=${V(272)}>`, `quote <svg onload=${V(272)}>`],
  [`[a](https://example.com) [b](tel:+15550100) [c](mailto:help@example.com)`, 'a b c'],
  [`[![x](https://x.example/a.png)](https://y.example/)`, 'x'],
  [`[](https://y.example/)`, same],
  [`![a &lt;b&gt;](https://x.example/a.png)`, 'a <b>'],
];

/** Names are at most 100 characters on the server: the short vectors, and the bidi and zero-width tricks. */
const nameVectors = vectors.filter(v => v.length <= 100);

/** Avatar URLs that must never be loaded: everything but absolute http(s). */
const avatarVectors = [
  `javascript:${V(101)}`,
  `data:image/svg+xml,<svg onload="${V(102)}"/>`,
  `data:text/html,<script>${V(103)}</script>`,
  `vbscript:${V(104)}`,
  `//evil.example/a.png`,
  `x" onerror="${V(106)}`,
  `JAVASCRIPT:${V(107)}`,
];

describe('an XSS table sent through the real reference server', () => {
  const env = useReferenceServer({ SUPPORTCHAT_SEND_LIMIT: '1000', SUPPORTCHAT_AGENT_SEND_LIMIT: '1000' });
  const executed: number[] = [];
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(event.message);

  before(() => {
    (window as unknown as { __xss: (n: number) => void }).__xss = n => executed.push(n);
    window.addEventListener('error', onError);
  });

  after(() => {
    window.removeEventListener('error', onError);
  });

  /**
   * The vectors' handlers would run when a broken image or media source fails to load. A probe of each,
   * made after the messages were drawn, has failed once this resolves: so would any of theirs have.
   */
  async function afterLoadErrors() {
    const probes = [document.createElement('img'), document.createElement('audio')];
    const failed = probes.map(probe => new Promise(resolve => probe.addEventListener('error', resolve, { once: true })));
    for (const probe of probes) probe.src = 'x';
    await Promise.all(failed);
  }

  function expectOnlyOurMarkup(element: SupportChat) {
    const root = element.shadowRoot!;
    expect(
      root.querySelectorAll(
        'script, iframe, object, embed, svg:not(.launcher svg, .attach svg), math, style, link, meta, base, form form, input:not(form > input[type=file]), video, audio, details, marquee, template, xmp',
      ).length,
    ).to.equal(0);
    for (const image of root.querySelectorAll('img')) expect(image.src).to.match(/^https?:\/\//);
    // Formatted messages may also link mail and phone addresses: expectOnlyFormattedMarkup checks those.
    for (const link of root.querySelectorAll<HTMLAnchorElement>('a:not(.formatted a)')) expect(link.href).to.match(/^https?:\/\//);
    for (const node of root.querySelectorAll('*')) {
      for (const attribute of node.getAttributeNames()) expect(attribute.startsWith('on'), `${node.tagName} ${attribute}`).to.equal(false);
    }
  }

  it(`shows ${vectors.length} hostile message texts as the text a person typed, and runs none`, async () => {
    const visitor = await newVisitor(env.server, 'Target');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    for (const vector of vectors) await postOk(env.server, env.agent, visitor.groupId, vector);
    await until(() => bubbles(element).length === vectors.length, 'not every vector arrived');
    await afterLoadErrors();

    expect(bubbles(element).map(b => b.querySelector('.text')!.textContent)).to.deep.equal(vectors.map(v => v.trim()));
    expectOnlyOurMarkup(element);
    expect(executed).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  /** What a formatted message may contain (sanitize.ts): anything else is a way in. */
  const FORMATTED_TAGS = new Set(['p', 'br', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'a', 'bdi']);

  function expectOnlyFormattedMarkup(element: SupportChat) {
    const bodies = element.shadowRoot!.querySelectorAll('.message .text.formatted');
    for (const body of bodies) {
      for (const node of body.querySelectorAll('*')) {
        expect(FORMATTED_TAGS.has(node.localName), `<${node.localName}> in ${body.textContent}`).to.equal(true);
        const allowed = node.localName === 'a' ? ['href', 'target', 'rel'] : node.localName === 'ol' ? ['start'] : [];
        for (const attribute of node.getAttributeNames()) expect(allowed, `${node.localName} ${attribute}`).to.include(attribute);
      }
      for (const link of body.querySelectorAll('a')) {
        expect(new URL(link.getAttribute('href')!).protocol).to.be.oneOf(['https:', 'http:', 'mailto:', 'tel:']);
        expect(link.getAttribute('target')).to.equal('_blank');
        expect(link.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
        expect(link.firstElementChild?.localName, 'link text is isolated').to.equal('bdi');
        expect(link.textContent!.trim(), 'a link says what it is').to.not.equal('');
      }
    }
    return bodies.length;
  }

  async function formattedConversation(texts: string[]) {
    const visitor = await newVisitor(env.server, 'Target');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    for (const text of texts) await postOk(env.server, env.agent, visitor.groupId, text, 'markdown');
    await until(() => bubbles(element).length === texts.length, 'not every vector arrived');
    // Drawn as markdown once the formatting chunk is here: the first formatted bubble says so.
    await until(() => element.shadowRoot!.querySelector('.formatted a, .formatted p'), 'the markdown was never drawn');
    await afterLoadErrors();
    return element;
  }

  it(`draws ${markdownVectors.length} hostile markdown messages from an agent as harmless markup, and runs none`, async () => {
    const element = await formattedConversation(markdownVectors.map(([markdown]) => markdown));

    expect(expectOnlyFormattedMarkup(element)).to.equal(markdownVectors.length);
    expect(bubbles(element).map(b => b.querySelector('.text')!.textContent)).to.deep.equal(
      markdownVectors.map(([markdown, text]) => (text === same ? markdown : text)),
    );
    expectOnlyOurMarkup(element);
    expect(executed).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it(`draws the ${vectors.length} plain-text vectors sent as markdown with nothing outside the allow-list, and runs none`, async () => {
    const element = await formattedConversation(vectors);

    expect(expectOnlyFormattedMarkup(element)).to.equal(vectors.length);
    expectOnlyOurMarkup(element);
    expect(executed).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it(`shows ${nameVectors.length} hostile sender names as text, isolated from the text around them, and runs none`, async () => {
    const agentView = await fixture<HTMLDivElement>(html`<div></div>`);
    for (const [index, name] of nameVectors.entries()) {
      const visitor = await newVisitor(env.server, name);
      await postOk(env.server, visitor.token, visitor.groupId, `message ${index}`);
      agentView.append(inlineWidget(env.server, visitor.groupId, env.agent));
    }
    const widgets = [...agentView.querySelectorAll('support-chat')];
    await until(() => widgets.every(w => bubbles(w).length === 1), 'not every conversation loaded', 30_000);
    await afterLoadErrors();

    const names = widgets.map(w => w.shadowRoot!.querySelector('.message bdi.name')!.textContent);
    // The server keeps a name to one line of visible text: bidi controls left out, whitespace runs one space
    // (whitespace as .NET counts it: not the byte-order mark, which JavaScript's \s takes in).
    const oneLine = (name: string) =>
      name
        .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
        .replace(/[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g, ' ')
        .trim();
    expect(names).to.deep.equal(nameVectors.map(oneLine));
    for (const widget of widgets) expectOnlyOurMarkup(widget);
    expect(executed).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it(`refuses ${avatarVectors.length} avatar addresses that are not https when registering, and the widget loads a https one`, async () => {
    const register = (index: number, avatarUrl: string) =>
      fetch(`${env.server.url}/users/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Avatar ${index}`, email: `avatar${index}@example.com`, password: 'long-enough', avatarUrl }),
      });
    // The reference server stores none of them; the widget's own refusal (isWebUrl) needs a server that does.
    for (const [index, avatarUrl] of avatarVectors.entries()) {
      const refused = await register(index, avatarUrl);
      expect(refused.status, avatarUrl).to.equal(400);
      expect(((await refused.json()) as { detail: string }).detail).to.contain('https:');
    }
    const agentView = await fixture<HTMLDivElement>(html`<div></div>`);
    const index = avatarVectors.length;
    const { token } = (await (await register(index, 'https://images.example/ok.png')).json()) as { token: string };
    const created = await fetch(`${env.server.url}/groups`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: `Avatar ${index}` }),
    });
    const { group } = (await created.json()) as { group: { id: number } };
    await postOk(env.server, token, String(group.id), `from avatar ${index}`);
    agentView.append(inlineWidget(env.server, String(group.id), env.agent));
    const widgets = [...agentView.querySelectorAll('support-chat')];
    await until(() => widgets.every(w => bubbles(w).length === 1), 'not every conversation loaded', 30_000);

    const avatars = widgets.map(w => w.shadowRoot!.querySelector<HTMLImageElement>('img.avatar')?.getAttribute('src') ?? null);
    expect(avatars).to.deep.equal(['https://images.example/ok.png']);
    expect(executed).to.deep.equal([]);
  });
});
