// `npm test`: builds the widget and the reference server, runs the server's xunit tests and the
// widget's tests in Chromium (unit, and integration against the real server), then prints one
// closing line with the totals the two runners reported.
import { spawn } from 'node:child_process';

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

await step('node', ['scripts/prerequisites.mjs', 'dotnet', 'chromium']);
await step('npm', ['run', '--silent', 'build']);
await step('dotnet', ['build', 'demo/server', '-c', 'Release', '-v', 'q', '-nologo']);

const server = await run('dotnet', ['test', 'demo/server.Tests', '-c', 'Release', '-v', 'q', '-nologo']);
const widget = await run('npx', ['web-test-runner']);

/** The last match of `pattern` in `text`, as numbers, or undefined when the runner printed no summary. */
function lastCounts(text, pattern) {
  const matches = [...text.matchAll(pattern)];
  return matches.length > 0 ? matches.at(-1).slice(1).map(Number) : undefined;
}

const serverCounts = lastCounts(server.output, /Failed:\s+(\d+), Passed:\s+(\d+)/g);
const widgetCounts = lastCounts(widget.output, /(\d+) passed, (\d+) failed/g);
const passed = (serverCounts?.[1] ?? 0) + (widgetCounts?.[0] ?? 0);
const failed = (serverCounts?.[0] ?? 0) + (widgetCounts?.[1] ?? 0);

console.log(`\nserver (xunit): ${serverCounts ? `${serverCounts[1]} passed, ${serverCounts[0]} failed` : 'no summary'}`);
console.log(`widget (web-test-runner): ${widgetCounts ? `${widgetCounts[0]} passed, ${widgetCounts[1]} failed` : 'no summary'}`);
console.log(`tests: ${passed} passed, ${failed} failed`);

const ok = server.code === 0 && widget.code === 0 && serverCounts && widgetCounts && failed === 0 && passed > 0;
process.exit(ok ? 0 : 1);
