// What of SignalR the widget never runs, cut out of its script-tag build: streaming, client results, automatic
// reconnect, the builder's other options and the hub connection's getters, the binary transfer paths (its hub
// protocol is always JSON), DefaultHttpClient in front of FetchHttpClient, and the errors' ES5 prototype fix-up.
// The widget makes its connection in one place (`createHubConnection` in src/hub-connection.ts: withUrl,
// withStatefulReconnect, configureLogging with an ILogger, build) and then only starts, stops, invokes, sends and
// listens.
import { createHash } from 'node:crypto';

/**
 * Per file of SignalR's ES modules, the parts rewritten. `at` names a part: `Class#method` (or `Class#get name`),
 * `function name`, `const name` or `import ./module`; `sha` is the SHA-256 (first 16 hex digits) of its source
 * as this table was written against (SignalR 10.0.11). A part whose code differs stops the build: read the new
 * code, check the reason still holds, then update the rewrite and its `sha`. A part is dropped (`drop`),
 * replaced whole (`with`), or has exact snippets replaced (`replace`, each found exactly once).
 * `gone`: names that must not occur in the file once it is rewritten, so nothing left calls what was cut.
 */
export const UNUSED = {
  'HubConnection.js': {
    gone: [
      'Subject',
      'stream',
      '_launchStreams',
      '_replaceStreamingParams',
      '_isObservable',
      '_createStreamInvocation',
      '_createCancelInvocation',
      '_createStreamItemMessage',
      '_reconnect',
      '_getNextRetryDelay',
    ],
    parts: [
      // Streaming: the widget never calls stream() and never passes an observable to invoke() or send(), so
      // its arguments are sent as they are. A StreamItem answering an invoke() still rejects it, as before.
      { at: 'import ./Subject', sha: '06832050eed7b867', drop: true },
      { at: 'HubConnection#stream', sha: 'fa5b4cf7808fb5e4', drop: true },
      { at: 'HubConnection#_launchStreams', sha: 'ff323596920df410', drop: true },
      { at: 'HubConnection#_replaceStreamingParams', sha: 'c6982f1bb9ea4bf4', drop: true },
      { at: 'HubConnection#_isObservable', sha: 'b5e4973e32650401', drop: true },
      { at: 'HubConnection#_createStreamInvocation', sha: 'e399c13d286621d5', drop: true },
      { at: 'HubConnection#_createCancelInvocation', sha: '0dc61c11299c63f6', drop: true },
      { at: 'HubConnection#_createStreamItemMessage', sha: '89d54bfa963eaaf4', drop: true },
      {
        at: 'HubConnection#send',
        sha: 'aa39ce765524ae9b',
        with: `send(methodName, ...args) {
        return this._sendWithProtocol(this._createInvocation(methodName, args, true));
    }`,
      },
      {
        at: 'HubConnection#invoke',
        sha: 'c7efb803bd406fae',
        replace: [
          ['const [streams, streamIds] = this._replaceStreamingParams(args);', ''],
          ['this._createInvocation(methodName, args, false, streamIds)', 'this._createInvocation(methodName, args, false)'],
          ['this._launchStreams(streams, promiseQueue);', ''],
        ],
      },
      {
        // The same messages, in the same key order, without stream ids.
        at: 'HubConnection#_createInvocation',
        sha: '791b64ee2a8e3fd3',
        with: `_createInvocation(methodName, args, nonblocking) {
        if (nonblocking) {
            return { target: methodName, arguments: args, type: MessageType.Invocation };
        }
        const invocationId = this._invocationId;
        this._invocationId++;
        return { target: methodName, arguments: args, invocationId: invocationId.toString(), type: MessageType.Invocation };
    }`,
      },
      {
        // Client results: the widget's handlers return nothing. A server that asks for a result (an invocation
        // with an id) gets the answer SignalR gives when no handler returns one (or the last one threw).
        at: 'HubConnection#_invokeClientMethod',
        sha: '7ebd1c7bc1e86d3b',
        with: `async _invokeClientMethod(invocationMessage) {
        const methodName = invocationMessage.target.toLowerCase();
        const methods = this._methods[methodName];
        if (!methods) {
            this._logger.log(LogLevel.Warning, \`No client method with the name '\${methodName}' found.\`);
        }
        let exception;
        for (const m of methods ? methods.slice() : []) {
            try {
                await m.apply(this, invocationMessage.arguments);
                exception = undefined;
            }
            catch (e) {
                exception = e;
                this._logger.log(LogLevel.Error, \`A callback for the method '\${methodName}' threw error '\${e}'.\`);
            }
        }
        if (invocationMessage.invocationId) {
            if (!exception) {
                this._logger.log(LogLevel.Warning, \`No result given for '\${methodName}' method and invocation ID '\${invocationMessage.invocationId}'.\`);
            }
            await this._sendWithProtocol(this._createCompletionMessage(invocationMessage.invocationId, exception ? \`\${exception}\` : "Client didn't provide a result.", null));
        }
    }`,
      },
      // The widget holds its connection as a `ChatConnection` (src/hub-connection.ts), which has none of these.
      { at: 'HubConnection#get state', sha: 'a55cbfaf5677f150', drop: true },
      { at: 'HubConnection#get connectionId', sha: '889bdeb7dda0d3f8', drop: true },
      { at: 'HubConnection#get baseUrl', sha: 'ce7ca4fbc31fb3ab', drop: true },
      { at: 'HubConnection#set baseUrl', sha: '3dca270f16648fca', drop: true },
      // Automatic reconnect: the builder below never sets a reconnect policy (the widget's controller makes a
      // new connection instead), so a closed connection always completes its close.
      { at: 'HubConnection#_reconnect', sha: 'ea4c8cc66e1ac059', drop: true },
      { at: 'HubConnection#_getNextRetryDelay', sha: 'a426db0be90f20ef', drop: true },
      {
        at: 'HubConnection#_connectionClosed',
        sha: '1a3f35e00c7918f2',
        replace: [
          [
            `else if (this._connectionState === HubConnectionState.Connected && this._reconnectPolicy) {
            // eslint-disable-next-line @typescript-eslint/no-floating-promises
            this._reconnect(error);
        }`,
            '',
          ],
        ],
      },
      // Only _reconnect sets the handle of its delay; terser drops the branch that clears it.
      { at: 'HubConnection#_stopInternal', sha: 'bf550c7769e43f63', replace: [['if (this._reconnectDelayHandle)', 'if (false)']] },
    ],
  },
  'HubConnectionBuilder.js': {
    gone: ['DefaultReconnectPolicy', 'ConsoleLogger', 'parseLogLevel', 'LogLevelNameMapping', 'reconnectPolicy', 'this.protocol'],
    parts: [
      { at: 'import ./DefaultReconnectPolicy', sha: 'a088ea1bdc62d494', drop: true },
      { at: 'import ./Utils', sha: 'e5b91b5f6d5387fa', with: 'import { Arg } from "./Utils";' },
      { at: 'const LogLevelNameMapping', sha: 'c3d6b1c2f0bade93', drop: true },
      { at: 'function parseLogLevel', sha: 'a122e0750517b674', drop: true },
      {
        // Only an ILogger: a LogLevel or its name would bring SignalR's ConsoleLogger along.
        at: 'HubConnectionBuilder#configureLogging',
        sha: '56a49a6591335710',
        with: `configureLogging(logging) {
        Arg.isRequired(logging, "logging");
        if (!isLogger(logging)) {
            throw new Error("This build of SignalR takes an ILogger, not a log level.");
        }
        this.logger = logging;
        return this;
    }`,
      },
      { at: 'HubConnectionBuilder#withHubProtocol', sha: '0e8064abe6bebac0', drop: true },
      { at: 'HubConnectionBuilder#withAutomaticReconnect', sha: '8fc94f6500bacb66', drop: true },
      { at: 'HubConnectionBuilder#withServerTimeout', sha: '1d48687eef9638ed', drop: true },
      { at: 'HubConnectionBuilder#withKeepAliveInterval', sha: '1e9e06ca56c3c871', drop: true },
      {
        at: 'HubConnectionBuilder#build',
        sha: 'adc07712d5e6299f',
        replace: [
          ['this.protocol || new JsonHubProtocol()', 'new JsonHubProtocol()'],
          [
            'this.reconnectPolicy, this._serverTimeoutInMilliseconds, this._keepAliveIntervalInMilliseconds',
            'undefined, undefined, undefined',
          ],
        ],
      },
    ],
  },
  // DefaultHttpClient only picks FetchHttpClient (see `typeof fetch` in signalr-for-browsers.mjs) and checks the
  // same three things before a send that FetchHttpClient checks, with the same errors.
  'HttpConnection.js': {
    gone: ['DefaultHttpClient', '_concatBuffers'],
    parts: [
      // The hub protocol is always JSON (the builder below makes a JsonHubProtocol; withHubProtocol is cut): its
      // transfer format is text, so what is sent and received is a string, never an ArrayBuffer.
      {
        at: 'TransportSendQueue#_sendLoop',
        sha: '6973e25896d25ecd',
        replace: [
          [
            'typeof (this._buffer[0]) === "string" ? this._buffer.join("") : TransportSendQueue._concatBuffers(this._buffer)',
            'this._buffer.join("")',
          ],
        ],
      },
      { at: 'TransportSendQueue#_concatBuffers', sha: '452f59d78b01dd53', drop: true },
      { at: 'import ./DefaultHttpClient', sha: '7e3f043881c6d359', with: 'import { FetchHttpClient } from "./FetchHttpClient";' },
      {
        at: 'HttpConnection#constructor',
        sha: '3a53aa0fe42eb863',
        replace: [['new DefaultHttpClient(this._logger)', 'new FetchHttpClient(this._logger)']],
      },
    ],
  },
  'HandshakeProtocol.js': {
    gone: [],
    parts: [
      { at: 'HandshakeProtocol#parseHandshakeResponse', sha: '0a3637f6b358ccad', replace: [['if (isArrayBuffer(data))', 'if (false)']] },
    ],
  },
  'LongPollingTransport.js': {
    gone: [],
    parts: [
      {
        at: 'LongPollingTransport#connect',
        sha: '52eb2c20f0b54c4a',
        replace: [
          ['if (transferFormat === TransferFormat.Binary && (typeof XMLHttpRequest', 'if (false && (typeof XMLHttpRequest'],
          ['if (transferFormat === TransferFormat.Binary) {', 'if (false) {'],
        ],
      },
    ],
  },
  'WebSocketTransport.js': {
    gone: [],
    parts: [
      {
        at: 'WebSocketTransport#connect',
        sha: '2dea055a13b56585',
        replace: [['if (transferFormat === TransferFormat.Binary) {', 'if (false) {']],
      },
    ],
  },
  // SignalR is compiled for ES5, where a subclass of Error gets Error's prototype and has to put its own back.
  // In the widget's ES2022 a class's constructor already makes `this` from `new.target.prototype`.
  'Errors.js': {
    gone: ['__proto__'],
    parts: [
      ['HttpError', '71eeb5b2c486ace3'],
      ['TimeoutError', '5d6f48e5367b78d7'],
      ['AbortError', 'c9d045da18776f4d'],
      ['UnsupportedTransportError', 'd1da8312b37fe7db'],
      ['DisabledTransportError', '37c538a4b15e12e1'],
      ['FailedToStartTransportError', '675947591613c1eb'],
      ['FailedToNegotiateWithServerError', '46cc62f59141af9d'],
      ['AggregateErrors', 'af4454a4487e72c9'],
    ].map(([name, sha]) => ({
      at: `${name}#constructor`,
      sha,
      replace: [
        ['const trueProto = new.target.prototype;', ''],
        ['this.__proto__ = trueProto;', ''],
      ],
    })),
  },
  'Utils.js': {
    gone: [],
    parts: [
      {
        // HttpConnection's only call: the builder hands it the same ILogger as above, never undefined or a level.
        at: 'function createLogger',
        sha: '47761308336ece1e',
        with: `function createLogger(logger) {
    if (!logger || logger.log === undefined) {
        throw new Error("This build of SignalR takes an ILogger, not a log level.");
    }
    return logger;
}`,
      },
    ],
  },
};

const sha = text => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The top-level statements and class members of a module, by the names `UNUSED` uses. */
function namedParts(program) {
  const parts = new Map();
  // `node`: what a part's `sha` covers and `drop` removes; `declaration`: what `with` replaces, keeping an `export`.
  const add = (name, node, declaration = node) => parts.set(name, parts.has(name) ? null : { node, declaration });
  for (const statement of program.body) {
    const declaration = statement.type.startsWith('Export') && statement.declaration ? statement.declaration : statement;
    if (statement.type === 'ImportDeclaration') add(`import ${statement.source.value}`, statement);
    else if (declaration.type === 'FunctionDeclaration') add(`function ${declaration.id.name}`, statement, declaration);
    else if (declaration.type === 'VariableDeclaration' && declaration.declarations.length === 1)
      add(`const ${declaration.declarations[0].id.name}`, statement, declaration);
    else if (declaration.type === 'ClassDeclaration') {
      for (const member of declaration.body.body) {
        const kind = member.kind === 'get' || member.kind === 'set' ? `${member.kind} ` : '';
        if (member.type === 'MethodDefinition' && !member.computed) add(`${declaration.id.name}#${kind}${member.key.name}`, member);
      }
    }
  }
  return parts;
}

/**
 * Applies `UNUSED[file]` to `source` (a MagicString of `code`); `fail` stops the build with a message.
 * Returns the names that must be gone from the result, or undefined for a file with nothing to rewrite.
 */
export function cutUnused(file, program, code, source, fail) {
  const rewrites = UNUSED[file];
  if (!rewrites) return undefined;
  const parts = namedParts(program);
  for (const part of rewrites.parts) {
    const found = parts.get(part.at);
    if (!found) fail(`${part.at} is ${found === null ? 'there more than once' : 'not there'}`);
    const { node, declaration } = found;
    const text = code.slice(node.start, node.end);
    if (sha(text) !== part.sha) fail(`${part.at} is not the code this rewrite was written for (sha ${sha(text)}, expected ${part.sha})`);
    if (part.drop) source.remove(node.start, node.end);
    else if (part.with !== undefined) source.overwrite(declaration.start, declaration.end, part.with);
    else {
      for (const [snippet, replacement] of part.replace) {
        // Any run of white space matches any other: SignalR's files end their lines with CR LF.
        const pattern = new RegExp(
          snippet
            .trim()
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\s+/g, '\\s+'),
          'g',
        );
        const matches = [...text.matchAll(pattern)];
        if (matches.length !== 1) fail(`${part.at} does not hold "${snippet}" exactly once`);
        const at = node.start + matches[0].index;
        source.overwrite(at, at + matches[0][0].length, replacement);
      }
    }
  }
  return rewrites.gone;
}
