// One line for each missing prerequisite, saying how to get it; exit 1 if any is missing.
import { spawnSync } from 'node:child_process';
import { chromiumInstalled, chromiumPath } from './chromium.mjs';
import { missingServices } from './services.mjs';

const checks = {
  dotnet: () =>
    spawnSync('dotnet', ['--list-sdks'], { encoding: 'utf8' }).stdout?.match(/^10\./m)
      ? undefined
      : 'The .NET 10 SDK is missing: install it from https://dotnet.microsoft.com/download (dotnet must be on PATH).',
  chromium: () =>
    chromiumInstalled()
      ? undefined
      : `Chromium is missing at ${chromiumPath}: run "sudo apt-get install chromium", or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  services: () => {
    const missing = missingServices();
    return missing.length === 0
      ? undefined
      : `The scale-out tests need ${missing.join(', ')}: run "sudo apt-get install redis-server postgresql nginx".`;
  },
};

const missing = process.argv
  .slice(2)
  .map(name => checks[name]())
  .filter(Boolean);
for (const line of missing) console.error(line);
process.exit(missing.length > 0 ? 1 : 0);
