import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { freePort, referenceServerPlugin } from './scripts/reference-server.mjs';

// The test pages' origin must be on the reference server's allow-list, so the port is chosen here.
const port = await freePort();

export default {
  files: ['src/test/**/*.test.ts'],
  nodeResolve: true,
  hostname: '127.0.0.1',
  port,
  // One file at a time: the integration tests restart servers and measure time; 2 cores are few.
  concurrency: 1,
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: { executablePath: chromiumPath, args: chromiumArgs } })],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    referenceServerPlugin({ origins: [`http://127.0.0.1:${port}`] }),
  ],
  // Lit's dev-mode notice is expected in tests and would hide the logs that matter.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 30_000 } },
  testsFinishTimeout: 10 * 60_000,
};
