import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/**
 * The script-tag build: one self-contained ES module that defines <support-chat>. npm users get the
 * unbundled modules in dist/lib (built by tsc), where their own bundler shakes the tree.
 */
export default {
  input: 'dist/lib/define.js',
  output: {
    file: 'dist/support-chat.js',
    format: 'es',
    sourcemap: true,
  },
  plugins: [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true, format: { comments: false } })],
};
