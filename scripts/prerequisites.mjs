// One line for each missing prerequisite, saying how to get it; exit 1 if any is missing.
import { spawnSync } from 'node:child_process';
import { chromiumInstalled, chromiumPath } from './chromium.mjs';

const checks = {
  dotnet: () =>
    spawnSync('dotnet', ['--list-sdks'], { encoding: 'utf8' }).stdout?.match(/^10\./m)
      ? undefined
      : 'The .NET 10 SDK is missing: install it from https://dotnet.microsoft.com/download (dotnet must be on PATH).',
  chromium: () =>
    chromiumInstalled()
      ? undefined
      : `Chromium is missing at ${chromiumPath}: run "sudo apt-get install chromium", or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
};

const missing = process.argv
  .slice(2)
  .map(name => checks[name]())
  .filter(Boolean);
for (const line of missing) console.error(line);
process.exit(missing.length > 0 ? 1 : 0);
