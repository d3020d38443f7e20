// What the script-tag build cuts out of SignalR and how it minifies stylesheets, on SignalR's real sources
// bundled as rollup.config.mjs bundles them; and the checks that stop the build when the code it rewrites
// changes shape, instead of shipping a guess. (The widget built this way is tested against the real server by
// scripts/build/built-widget.wtr.config.mjs.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { exactCSS } from '../scripts/build/exact-css.mjs';
import { signalRForBrowsers } from '../scripts/build/signalr-for-browsers.mjs';

const BUILDER = "export { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';";

/** SignalR bundled with the widget's plugin from `entry`; `edit` may change one of its files first (by name). */
async function bundleSignalR(entry = BUILDER, edit = {}) {
  const bundle = await rollup({
    input: 'entry',
    onwarn: () => {},
    plugins: [
      {
        name: 'entry',
        resolveId: id => (id === 'entry' ? id : null),
        load(id) {
          if (id === 'entry') return entry;
          const file = Object.keys(edit).find(name => id.endsWith(`/esm/${name}`));
          return file ? edit[file](readFileSync(id, 'utf8')) : null;
        },
      },
      signalRForBrowsers({ logged: 'Warning', loggerSource: 'src/hub-connection.ts' }),
      nodeResolve({ browser: true }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  return output[0].code;
}

/** The bundle's exports, loaded as a module. */
const load = async code => import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

describe("the widget's SignalR", () => {
  it('keeps what the widget calls and leaves out streaming, automatic reconnect and the other builder options', async () => {
    const code = await bundleSignalR();
    for (const kept of ['invoke(', 'send(', 'withStatefulReconnect(', 'onreconnecting(', "Client didn't provide a result."]) {
      assert.ok(code.includes(kept), `${kept} is kept`);
    }
    for (const cut of [
      'stream(',
      '_launchStreams',
      'class Subject',
      'withAutomaticReconnect',
      'class DefaultReconnectPolicy',
      'class ConsoleLogger',
    ]) {
      assert.ok(!code.includes(cut), `${cut} is cut`);
    }
  });

  it('fails loudly where a caller reaches for what was cut', async () => {
    const { HubConnectionBuilder, LogLevel } = await load(await bundleSignalR());
    const builder = new HubConnectionBuilder();
    assert.throws(() => builder.configureLogging(LogLevel.Warning), /takes an ILogger, not a log level/);
    assert.equal(typeof builder.withAutomaticReconnect, 'undefined');
    const connection = builder
      .withUrl('http://127.0.0.1:9/hub')
      .configureLogging({ log() {} })
      .build();
    assert.equal(typeof connection.stream, 'undefined');
  });

  it('stops the build when a part it rewrites is not the code it was written for', async () => {
    const edit = {
      'HubConnection.js': code => code.replace('_createCancelInvocation(id) {', '_createCancelInvocation(id) {\n        void id;'),
    };
    await assert.rejects(
      bundleSignalR(BUILDER, edit),
      /HubConnection#_createCancelInvocation is not the code this rewrite was written for/,
    );
  });

  it('stops the build when something it cuts gains a caller inside SignalR', async () => {
    const edit = {
      'HubConnection.js': code =>
        code.replace('async _sendCloseMessage() {', 'async _sendCloseMessage() {\n        this._isObservable(0);'),
    };
    await assert.rejects(bundleSignalR(BUILDER, edit), /still says "_isObservable"/);
  });

  it('stops the build when the widget calls a method it cuts', async () => {
    const entry =
      "import { HubConnectionBuilder } from '@microsoft/signalr'; export const make = () => new HubConnectionBuilder().withServerTimeout(1);";
    await assert.rejects(bundleSignalR(entry), /calls "\.withServerTimeout\(", which this build cuts out of SignalR/);
  });
});

describe("the stylesheets' minifier", () => {
  it('refuses to round a number, and keeps one written with 6 significant digits at most', () => {
    assert.throws(() => exactCSS.minifyCSS(':host { z-index: var(--z, 2147483000); }'), /would change 2147483000/);
    assert.equal(
      exactCSS.minifyCSS(':host {\n  /* 2147483000 */\n  z-index: var(--z, calc(2147 * 1000000 + 483000));\n}'),
      ':host{z-index:var(--z,calc(2147 * 1000000 + 483000))}',
    );
  });
});
