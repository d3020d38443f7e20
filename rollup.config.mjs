import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import { exactCSS } from './scripts/build/exact-css.mjs';
import { signalRForBrowsers } from './scripts/build/signalr-for-browsers.mjs';
import { signalRPrivateNames } from './scripts/build/signalr-private-names.mjs';

/**
 * The script-tag builds. `support-chat.js` defines <support-chat> and draws the launcher; the connection,
 * the conversation and the panel are a second file it loads when wanted (see `SupportChat#load`). Chunks
 * carry a content hash, so a CDN may cache them for ever; the entry keeps its name for the pages that
 * link it. npm users get the unbundled modules in dist/lib (built by tsc), where their own bundler
 * shakes the tree and splits at the same dynamic import. The markdown parser and DOMPurify are a third
 * file, `support-chat-formatting-*.js`, that `formatted-text.ts` loads when the first formatted message
 * arrives; the file chips, their uploads and the drawing of a message's files are a fourth,
 * `support-chat-attachment-tray-*.js`, loaded with the first file picked, dropped, pasted or shown.
 */
// Lit's html and css templates lose their indentation and comments, and terser takes a second pass: the room
// the attachments took in the 40 KB budget. A template the minifier cannot read stops the build (it used to
// leave the whole file as written, with a warning), and so does a number it would round (`exact-css.mjs`).
const minified = (terserOptions = {}) => [
  nodeResolve({ browser: true }),
  minifyHTML({ failOnError: true, options: { strategy: exactCSS } }),
  terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false }, ...terserOptions }),
];
const plugins = minified();

// The widget's SignalR without its Node.js paths, its XMLHttpRequest client and the log calls `signalRLog`
// drops, and with short names for its private fields: 2.7 KB gzip, the room for the next features.
const signalRPrivate = signalRPrivateNames();
const widgetPlugins = [
  signalRForBrowsers({ logged: 'Warning', loggerSource: 'src/hub-connection.ts' }),
  signalRPrivate.plugin,
  ...minified({ mangle: { properties: { regex: signalRPrivate.regex } } }),
];

export default [
  {
    input: 'dist/lib/define.js',
    // The chunk imports Lit and the shared modules from the entry itself: no third file in between.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist',
      format: 'es',
      sourcemap: true,
      entryFileNames: 'support-chat.js',
      chunkFileNames: 'support-chat-[name]-[hash].js',
      manualChunks: id => (/[\\/](sanitize\.js|node_modules[\\/](marked|dompurify)[\\/])/.test(id) ? 'formatting' : undefined),
    },
    plugins: widgetPlugins,
  },
  {
    // The demo's agent console with its own SignalR connection: served by the reference server, not shipped.
    input: 'demo/assets/agent.js',
    output: { file: 'dist/demo/agent.js', format: 'es', sourcemap: true },
    plugins,
  },
  {
    // A few hundred bytes that load the module build from beside themselves.
    input: 'dist/lib/classic.js',
    output: { file: 'dist/support-chat.classic.js', format: 'iife', sourcemap: true },
    plugins,
  },
];
