import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/**
 * The script-tag builds: one self-contained file that defines <support-chat>, as an ES module and as a
 * classic script. npm users get the unbundled modules in dist/lib (built by tsc), where their own
 * bundler shakes the tree.
 */
const plugins = [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true, format: { comments: false } })];

export default [
  {
    input: 'dist/lib/define.js',
    output: { file: 'dist/support-chat.js', format: 'es', sourcemap: true },
    plugins,
  },
  {
    // For tag managers and pages that cannot load modules: the same widget as a classic script.
    input: 'dist/lib/define.js',
    output: { file: 'dist/support-chat.classic.js', format: 'iife', sourcemap: true },
    plugins,
  },
];
