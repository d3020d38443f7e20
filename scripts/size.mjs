// Size budget on the built files: what a page that embeds the widget downloads, gzipped.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budgets = [
  // Everything the script-tag widget can load. The smaller first-payload budget waits for code splitting.
  { file: 'dist/support-chat.js', maxGzipBytes: 40 * 1024 },
];

let over = false;
for (const { file, maxGzipBytes } of budgets) {
  const source = readFileSync(file);
  const gzip = gzipSync(source, { level: 9 }).length;
  const verdict = gzip <= maxGzipBytes ? 'ok' : 'OVER BUDGET';
  if (gzip > maxGzipBytes) over = true;
  console.log(
    `${file}: ${(source.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${maxGzipBytes / 1024} KB): ${verdict}`,
  );
}
process.exit(over ? 1 : 0);
