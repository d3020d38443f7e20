// The package as a user gets it: `npm pack`, installed into an empty project, then used the ways the
// README says: imported in Node (server-side rendering), type-checked from TypeScript, and loaded in
// Chromium by a module script and by a classic script.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const root = resolve(import.meta.dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'support-chat-pack-'));
const app = join(folder, 'app');
const installed = join(app, 'node_modules', 'support-chat');
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(() => {
  const tarball = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', folder], root))[0].filename;
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(folder, tarball)], app);
});

after(() => rmSync(folder, { recursive: true, force: true }));

describe('the packed package, installed into an empty project', () => {
  it('ships the built files, types and manifest, and nothing of the source tree', () => {
    for (const file of [
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/define.js',
      'dist/lib/define.d.ts',
      'dist/support-chat.js',
      'dist/support-chat.classic.js',
      'custom-elements.json',
      'types/react.d.ts',
      'types/vue.d.ts',
      'README.md',
    ]) {
      assert.ok(existsSync(join(installed, file)), `${file} is missing`);
    }
    for (const absent of ['src', 'demo', 'e2e', 'dist/lib/test', 'scripts'])
      assert.ok(!existsSync(join(installed, absent)), `${absent} is shipped`);
    const manifest = JSON.parse(readFileSync(join(installed, 'custom-elements.json'), 'utf8'));
    assert.ok(manifest.modules.some(m => m.declarations?.some(d => d.tagName === 'support-chat')));
  });

  it('imports in Node, where there is no DOM, without touching window; the tag goes only into a registry that exists', () => {
    // Lit's Node build brings a custom-elements registry for server-side rendering; define.js uses it
    // when it is there and leaves the tag undefined when it is not.
    const out = run(
      'node',
      [
        '--input-type=module',
        '-e',
        "const lib = await import('support-chat'); await import('support-chat/define.js'); const registry = globalThis.customElements; console.log(typeof lib.SupportChat, typeof globalThis.window, registry ? registry.get('support-chat') === lib.SupportChat : 'no registry');",
      ],
      app,
    );
    assert.equal(out.trim(), 'function undefined true');
  });

  it('type-checks a TypeScript consumer against the shipped declarations', () => {
    writeFileSync(
      join(app, 'main.ts'),
      `import 'support-chat/define.js';
import { SupportChat, type SupportChatMessageEvent, type ChatStatus } from 'support-chat';
const chat: SupportChat = document.createElement('support-chat');
chat.tokenProvider = async () => 'token';
chat.addEventListener('support-chat-message', (event: SupportChatMessageEvent) => console.log(event.message.text));
const status: ChatStatus = chat.status;
console.log(status);
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          lib: ['ES2022', 'DOM'],
          skipLibCheck: true,
        },
        files: ['main.ts'],
      }),
    );
    run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', app], app);

    writeFileSync(join(app, 'main.ts'), `import { SupportChat } from 'support-chat';\nnew SupportChat().tokenProvider = 42;\n`);
    assert.throws(
      () => run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', app], app),
      error => /Type 'number' is not assignable to type 'TokenProvider'/.test(error.stdout),
    );
  });

  for (const [kind, tag] of [
    ['module', '<script type="module" src="/widget/support-chat.js"></script>'],
    ['classic', '<script src="/widget/support-chat.classic.js"></script>'],
  ]) {
    it(`defines <support-chat> in Chromium from the ${kind} script, and loads its panel from the files beside it`, async () => {
      const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      try {
        const page = await browser.newPage();
        const errors = [];
        page.on('pageerror', error => errors.push(error.message));
        await page.route('http://shop.test/**', route => {
          const path = new URL(route.request().url()).pathname;
          if (path.startsWith('/widget/')) {
            const file = join(installed, 'dist', path.slice('/widget/'.length));
            if (!existsSync(file)) return route.fulfill({ status: 404 });
            return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file) });
          }
          return route.fulfill({ contentType: 'text/html', body: `<!doctype html>${tag}<support-chat mode="inline"></support-chat>` });
        });
        await page.goto('http://shop.test/');
        await page.waitForFunction(() => customElements.get('support-chat') && document.querySelector('support-chat').shadowRoot);
        // Inline, the panel is wanted at once: its file, beside the entry, arrives and draws it.
        await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelector('.panel textarea'));
        assert.equal(await page.evaluate(() => document.querySelector('support-chat').status), 'disconnected');
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  }
});
