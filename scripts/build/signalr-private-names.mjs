// SignalR's private fields and methods (`_connectionState`, `_sendMessage`, …) for terser to shorten: about
// a tenth of SignalR's minified bytes, and names that mean nothing outside SignalR.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SIGNALR_ESM = /[\\/]node_modules[\\/]@microsoft[\\/]signalr[\\/]dist[\\/]esm[\\/]/;
const PRIVATE_NAME = /(?<=\.)_[A-Za-z]\w*/g;

/**
 * `regex`: a terser `mangle.properties.regex` for every `_`-name SignalR's ES modules read or write (SignalR
 * never reads one by a string). `plugin`: checks the two things that make renaming them safe in the bundle
 * it is given to, and stops the build when either fails: no other module of the bundle (the widget, Lit, a
 * new dependency) says any of these names, so none is shared with code that keeps it; and SignalR sits in
 * a single chunk, since terser renames each chunk on its own.
 */
export function signalRPrivateNames(folder = 'node_modules/@microsoft/signalr/dist/esm') {
  const names = new Set();
  for (const file of readdirSync(folder).filter(name => name.endsWith('.js'))) {
    for (const [name] of readFileSync(join(folder, file), 'utf8').matchAll(PRIVATE_NAME)) names.add(name);
  }
  const regex = new RegExp(`^(?:${[...names].sort().join('|')})$`);
  const anyName = new RegExp(`\\b(?:${[...names].join('|')})\\b`);
  const plugin = {
    name: 'signalr-private-names',
    buildEnd(error) {
      if (error) return;
      for (const id of this.getModuleIds()) {
        const code = this.getModuleInfo(id)?.code;
        const shared = !SIGNALR_ESM.test(id) && code?.match(anyName);
        if (shared) this.error(`${id} uses "${shared[0]}", a private name of SignalR's that terser is told to rename`);
      }
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter(file => file.type === 'chunk' && file.moduleIds.some(id => SIGNALR_ESM.test(id)));
      if (chunks.length > 1)
        this.error(
          `SignalR is split over ${chunks.map(chunk => chunk.fileName).join(', ')}: terser would rename its names differently in each`,
        );
    },
  };
  return { regex, plugin };
}
