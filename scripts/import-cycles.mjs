// Fails when the widget's modules import each other in a circle. Type-only and dynamic imports count too:
// a cycle of types still ties two files' concerns together, which is what the layout is meant to prevent.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import ts from 'typescript';

const root = resolve('src');
const modules = readdirSync(root).filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts'));

/** The local modules a file imports, as file names in src/. */
function importsOf(file) {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter(name => name.startsWith('./'))
    .map(name =>
      resolve(dirname(join(root, file)), name)
        .slice(root.length + 1)
        .replace(/\.js$/, '.ts'),
    )
    .filter(name => modules.includes(name));
}

const graph = new Map(modules.map(file => [file, importsOf(file)]));
const cycles = new Set();
const done = new Set();

/** Depth-first; `path` is the chain of files being visited, so an edge back into it closes a cycle. */
function visit(file, path) {
  if (path.includes(file)) {
    cycles.add([...path.slice(path.indexOf(file)), file].join(' → '));
    return;
  }
  if (done.has(file)) return;
  for (const next of graph.get(file)) visit(next, [...path, file]);
  done.add(file);
}
for (const file of modules) visit(file, []);

if (cycles.size > 0) {
  console.error(`Import cycles in src/ (type-only and dynamic imports included):\n  ${[...cycles].join('\n  ')}`);
  process.exit(1);
}
console.log(`No import cycle among ${modules.length} modules in src/.`);
