// `npm test`: builds the widget and the reference server, runs the server's xunit tests, the widget's
// tests in Chromium (unit, and integration against the real server) and the demo pages in real tabs,
// then prints one closing line with the totals the three runners reported.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

function run(command, args) {
  return new Promise(resolve => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', chunk => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', chunk => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', code => resolve({ code, output }));
  });
}

async function step(command, args) {
  const result = await run(command, args);
  if (result.code !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.code}).`);
    process.exit(result.code || 1);
  }
  return result;
}

await step('node', ['scripts/prerequisites.mjs', 'dotnet', 'chromium', 'services']);
await step('npm', ['run', '--silent', 'build']);
await step('dotnet', ['build', 'demo/server', '-c', 'Release', '-v', 'q', '-nologo']);
// The page tests also run the widget against a server with only the seed's contract.
await step('dotnet', ['build', 'src/test/seed-server', '-c', 'Release', '-v', 'q', '-nologo']);
// The Blazor Web App example, which e2e/blazor-example.test.mjs starts.
await step('dotnet', ['build', 'examples/blazor', '-c', 'Release', '-v', 'q', '-nologo']);

// Quiet, but a failed test prints its assertion and stack: a [FAIL] line alone cannot be diagnosed from CI's log.
const server = await run('dotnet', [
  'test',
  'demo/server.Tests',
  '-c',
  'Release',
  '-v',
  'q',
  '-nologo',
  '--logger',
  'console;verbosity=minimal',
]);
const widget = await run('npx', ['web-test-runner']);
const e2e = await run('node', ['--test', '--test-reporter=spec', 'e2e/']);

/** The last match of `pattern` in `text`, as numbers, or undefined when the runner printed no summary. */
function lastCounts(text, pattern) {
  const matches = [...text.matchAll(pattern)];
  return matches.length > 0 ? matches.at(-1).slice(1).map(Number) : undefined;
}

/** Each line of `text` that matches `start`, with the `after` lines that follow it (the assertion, where it failed). */
function blocks(text, start, after) {
  // Progress bars redraw with escape codes; they are no part of a message.
  const lines = stripVTControlCharacters(text).split('\n');
  return lines.flatMap((line, i) =>
    start.test(line)
      ? [
          lines
            .slice(i, i + 1 + after)
            .map(l => l.trimEnd())
            .filter(l => l.trim())
            .join('\n'),
        ]
      : [],
  );
}

const serverCounts = lastCounts(server.output, /Failed:\s+(\d+), Passed:\s+(\d+)/g);
const widgetCounts = lastCounts(widget.output, /(\d+) passed, (\d+) failed/g);
const e2ePassed = lastCounts(e2e.output, /ℹ pass (\d+)/g);
const e2eFailed = lastCounts(e2e.output, /ℹ fail (\d+)/g);
const e2eCounts = e2ePassed && e2eFailed ? [e2ePassed[0], e2eFailed[0]] : undefined;
const passed = (serverCounts?.[1] ?? 0) + (widgetCounts?.[0] ?? 0) + (e2eCounts?.[0] ?? 0);
const failed = (serverCounts?.[0] ?? 0) + (widgetCounts?.[1] ?? 0) + (e2eCounts?.[1] ?? 0);

// CI keeps the end of this log: what failed is said again here, with its first lines, not only far above.
const failures = [
  ...blocks(server.output, /^\s*Failed (SupportChat\S+)/, 5),
  ...blocks(widget.output, /^\s*❌ (.+)/, 3),
  ...blocks(e2e.output.slice(e2e.output.lastIndexOf('failing tests:')), /^test at /, 7),
];
if (failures.length > 0) console.log(`\nfailed:\n${failures.join('\n')}`);

console.log(`\nserver (xunit): ${serverCounts ? `${serverCounts[1]} passed, ${serverCounts[0]} failed` : 'no summary'}`);
console.log(`widget (web-test-runner): ${widgetCounts ? `${widgetCounts[0]} passed, ${widgetCounts[1]} failed` : 'no summary'}`);
console.log(`pages (node --test): ${e2eCounts ? `${e2eCounts[0]} passed, ${e2eCounts[1]} failed` : 'no summary'}`);
console.log(`tests: ${passed} passed, ${failed} failed`);

const ok = [server, widget, e2e].every(r => r.code === 0) && serverCounts && widgetCounts && e2eCounts && failed === 0 && passed > 0;
process.exit(ok ? 0 : 1);
