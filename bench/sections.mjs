// BENCHMARKS.md is written by more than one script: `npm run bench` writes the whole file, and the
// others each own a block between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, which it keeps.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = 'BENCHMARKS.md';
const blocks = /<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g;

/** The blocks other scripts wrote, as they stand, to put back after a full rewrite. */
export function keptBlocks() {
  return existsSync(FILE) ? [...readFileSync(FILE, 'utf8').matchAll(blocks)].map(match => match[0]) : [];
}

/** Puts `text` in the file as the block `name`: where it was, or at the end. */
export function writeBlock(name, text) {
  const block = `<!-- bench:${name} -->\n${text.trim()}\n<!-- /bench:${name} -->`;
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  writeFileSync(FILE, pattern.test(current) ? current.replace(pattern, () => block) : `${current.trimEnd()}\n\n${block}\n`);
}
