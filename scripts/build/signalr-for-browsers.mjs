// A rollup plugin that takes out of SignalR's ES modules what the widget's script-tag build never runs: the
// Node.js paths, the XMLHttpRequest client, log calls below the level the widget's logger writes, and the
// parts of the hub connection the widget never calls (`signalr-unused.mjs`).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import MagicString from 'magic-string';
import { UNUSED, cutUnused } from './signalr-unused.mjs';

const SIGNALR_ESM = /[\\/]node_modules[\\/]@microsoft[\\/]signalr[\\/]dist[\\/]esm[\\/]/;

/** SignalR's `LogLevel`, from `ILogger.ts`: a log call below the widget's level is dropped. */
const LOG_LEVELS = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical', 'None'];

/**
 * The only functions a dropped log call may call while it builds its message. SignalR's messages read
 * fields, format errors and describe payloads; anything else in a dropped call might do something, so the
 * build stops and asks a person rather than guess.
 */
const PURE_CALLS = new Set(['getDataDetail', 'Date.now']);

/**
 * `logged`: the lowest `LogLevel` the widget's logger writes; `loggerSource`: the file that says so, read to
 * check that the two agree (the test for it is a plain text match, so rewording that line stops the build
 * here rather than dropping a message the logger would write).
 */
export function signalRForBrowsers({ logged, loggerSource }) {
  const threshold = LOG_LEVELS.indexOf(logged);
  if (threshold < 0) throw new Error(`signalRForBrowsers: unknown LogLevel "${logged}"`);
  const rewritten = new Set();
  return {
    name: 'signalr-for-browsers',
    buildStart() {
      rewritten.clear();
      this.addWatchFile(loggerSource);
      if (!readFileSync(loggerSource, 'utf8').includes(`level >= LogLevel.${logged})`)) {
        this.error(`${loggerSource} no longer logs from LogLevel.${logged} on: update the level given to signalRForBrowsers`);
      }
    },
    transform(code, id) {
      if (!SIGNALR_ESM.test(id)) return null;
      const source = new MagicString(code);
      const program = this.parse(code);
      visit(program, node => {
        // Platform.isNode reads `process.release`: false on a page (an Electron page with Node integration
        // would take the browser's WebSocket and fetch instead of `require("ws")` and node-fetch).
        if (isMember(node, 'Platform', 'isNode')) {
          source.overwrite(node.start, node.end, 'false');
          return false;
        }
        // The widget is an element in a document: a window with a document, never a worker or React Native.
        if (
          isMember(node, 'Platform', 'isBrowser') ||
          isMember(node, 'Platform', 'isWebWorker') ||
          isMember(node, 'Platform', 'isReactNative')
        ) {
          source.overwrite(node.start, node.end, String(node.property.name === 'isBrowser'));
          return false;
        }
        // Every browser that parses the widget's ES2022 has fetch and AbortController (both years older), so
        // DefaultHttpClient always picks FetchHttpClient and XhrHttpClient is never constructed.
        if (node.type === 'UnaryExpression' && node.operator === 'typeof' && isIdentifier(node.argument, ['fetch', 'AbortController'])) {
          source.overwrite(node.start, node.end, '"function"');
          return false;
        }
        if (isQuietLogCall(node, threshold)) {
          for (const argument of node.arguments.slice(1)) assertPure(argument, id, code);
          source.overwrite(node.start, node.end, 'void 0');
          return false;
        }
        return true;
      });
      const file = basename(id);
      const gone = cutUnused(file, program, code, source, message => this.error(`signalRForBrowsers: SignalR's ${file}: ${message}`));
      const result = source.toString();
      for (const name of gone ?? []) {
        if (new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(result))
          this.error(`signalRForBrowsers: SignalR's ${file} still says "${name}" after its unused parts were cut`);
      }
      if (gone) rewritten.add(file);
      return { code: result, map: source.generateMap({ hires: true }) };
    },
    buildEnd(error) {
      if (error) return;
      // A file renamed or moved by a new SignalR would otherwise keep what the table meant to cut, silently.
      const bundled = [...this.getModuleIds()].some(id => SIGNALR_ESM.test(id) && basename(id) === 'HubConnection.js');
      const missing = Object.keys(UNUSED).filter(file => !rewritten.has(file));
      if (bundled && missing.length > 0) this.error(`signalRForBrowsers: SignalR's ${missing.join(', ')} never came by to be rewritten`);
      // A public method cut from a class must not be called by the widget (TypeScript still sees it in the types).
      const cut = Object.values(UNUSED).flatMap(({ parts }) =>
        parts.filter(part => part.drop).map(part => /#([a-z]\w*)$/.exec(part.at)?.[1]),
      );
      const called = new RegExp(`\\.(?:${cut.filter(Boolean).join('|')})\\(`);
      for (const id of this.getModuleIds()) {
        const found = !SIGNALR_ESM.test(id) && this.getModuleInfo(id)?.code?.match(called);
        if (found) this.error(`signalRForBrowsers: ${id} calls "${found[0]}", which this build cuts out of SignalR`);
      }
    },
  };
}

/** Calls `enter` on every node, depth first; `enter` returns false to skip a node's children. */
function visit(node, enter) {
  if (!enter(node)) return;
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child.type === 'string') visit(child, enter);
    }
  }
}

const isIdentifier = (node, names) => node?.type === 'Identifier' && names.includes(node.name);

const isMember = (node, object, property) =>
  node?.type === 'MemberExpression' && !node.computed && isIdentifier(node.object, [object]) && node.property.name === property;

/** `….log(LogLevel.Debug, …)` and the like, for a level the widget's logger does not write. */
function isQuietLogCall(node, threshold) {
  if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || node.callee.property.name !== 'log') return false;
  const level = node.arguments[0];
  if (!level || !isMember(level, 'LogLevel', level.property?.name)) return false;
  const index = LOG_LEVELS.indexOf(level.property.name);
  return index >= 0 && index < threshold;
}

/** A message built from literals, names, field reads, arithmetic and `PURE_CALLS`: nothing lost by not building it. */
function assertPure(node, id, code) {
  const pure = child => {
    switch (child.type) {
      case 'Literal':
      case 'Identifier':
      case 'ThisExpression':
        return true;
      case 'TemplateLiteral':
        return child.expressions.every(pure);
      case 'BinaryExpression':
        return pure(child.left) && pure(child.right);
      case 'MemberExpression':
        return pure(child.object) && (!child.computed || pure(child.property));
      case 'CallExpression':
        return PURE_CALLS.has(code.slice(child.callee.start, child.callee.end)) && child.arguments.every(pure);
      default:
        return false;
    }
  };
  if (!pure(node)) {
    throw new Error(
      `signalRForBrowsers: a log call in ${id} builds its message with "${code.slice(node.start, node.end)}"; check it does nothing else, then allow it`,
    );
  }
}
