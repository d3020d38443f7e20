// The widget tests that need only `<support-chat>` itself, run against the script-tag build in dist/ rather
// than the sources: what the build does to the code it bundles (SignalR's paths, names and logs) is then
// proven on the real server, over each transport and through the fault proxy.
//   npm run build && npx web-test-runner --config scripts/build/built-widget.wtr.config.mjs "src/test/integration/faults.test.ts"
// Only tests whose one import of the widget is `define.js` mean anything here.
import config from '../../web-test-runner.config.mjs';

export default {
  ...config,
  plugins: [
    {
      name: 'built-widget',
      serve: ({ path }) => (/^\/src\/define\.[jt]s$/.test(path) ? { body: "import '/dist/support-chat.js';", type: 'js' } : undefined),
    },
    ...config.plugins,
  ],
};
