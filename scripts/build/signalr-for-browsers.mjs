// A rollup plugin that takes out of SignalR's ES modules what the widget's script-tag build never runs: the
// Node.js paths, the XMLHttpRequest client, and log calls below the level the widget's logger writes.
import { readFileSync } from 'node:fs';
import MagicString from 'magic-string';

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
  return {
    name: 'signalr-for-browsers',
    buildStart() {
      this.addWatchFile(loggerSource);
      if (!readFileSync(loggerSource, 'utf8').includes(`level >= LogLevel.${logged})`)) {
        this.error(`${loggerSource} no longer logs from LogLevel.${logged} on: update the level given to signalRForBrowsers`);
      }
    },
    transform(code, id) {
      if (!SIGNALR_ESM.test(id)) return null;
      const source = new MagicString(code);
      visit(this.parse(code), node => {
        // Platform.isNode reads `process.release`: false on a page (an Electron page with Node integration
        // would take the browser's WebSocket and fetch instead of `require("ws")` and node-fetch).
        if (isMember(node, 'Platform', 'isNode')) {
          source.overwrite(node.start, node.end, 'false');
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
      return { code: source.toString(), map: source.generateMap({ hires: true }) };
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
