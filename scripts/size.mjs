// Size budgets on the built script-tag files, gzipped: what a page that embeds the widget downloads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'dist';
const KB = 1024;

/**
 * The files a page fetches before the launcher can draw: the entry and whatever it imports statically.
 * `folder`: another build's dist/ (the bench compares one with this one).
 */
export function firstPayload(entry = 'support-chat.js', folder = dist) {
  const files = [entry];
  for (const file of files) {
    const source = readFileSync(join(folder, file), 'utf8');
    for (const [, imported] of source.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g)) {
      if (!files.includes(imported)) files.push(imported);
    }
  }
  return files;
}

/** Every script the widget can load: the module build's files (the classic loader only points at them). */
export function allFiles(folder = dist) {
  return readdirSync(folder).filter(file => file.startsWith('support-chat') && file.endsWith('.js') && !file.includes('.classic.'));
}

export const gzipBytes = (file, folder = dist) => gzipSync(readFileSync(join(folder, file)), { level: 9 }).length;
export const minifiedBytes = (file, folder = dist) => readFileSync(join(folder, file)).length;

const total = files => files.reduce((sum, file) => sum + gzipBytes(file), 0);

/** The markdown parser and DOMPurify: loaded only when the first formatted message arrives. */
export const isFormattingChunk = file => file.startsWith('support-chat-formatting-');

/** The file chips and uploads, and the drawing of a message's files: loaded with the first file picked or shown. */
export const isAttachmentsChunk = file => file.startsWith('support-chat-attachment-');

/** The list of a visitor's earlier conversations: loaded with the first click on "Past conversations". */
export const isPastChunk = file => file.startsWith('support-chat-flow-past-');

/** What a visitor loads only for what they do or are sent; every visitor loads the rest. */
export const isOnDemandChunk = file => isFormattingChunk(file) || isAttachmentsChunk(file) || isPastChunk(file);

const budgets = [
  { name: 'first payload (launcher)', files: firstPayload(), maxGzipBytes: 12 * KB },
  { name: 'first payload, classic script', files: ['support-chat.classic.js', ...firstPayload()], maxGzipBytes: 12 * KB },
  {
    // The support workflow (states, ratings, read marks, availability) is in chat-core: the reference server
    // speaks it, so every visitor there would load it, and as a chunk of its own it cost a request and a kilobyte.
    name: 'what every visitor loads: everything but the chunks loaded on demand',
    files: allFiles().filter(file => !isOnDemandChunk(file)),
    maxGzipBytes: 40 * KB,
  },
  { name: 'formatting chunk (markdown + DOMPurify)', files: allFiles().filter(isFormattingChunk), maxGzipBytes: 28 * KB },
  {
    name: 'attachments chunk (file chips and uploads, files in messages)',
    files: allFiles().filter(isAttachmentsChunk),
    maxGzipBytes: 4 * KB,
  },
  { name: 'past conversations chunk', files: allFiles().filter(isPastChunk), maxGzipBytes: 2 * KB },
];

/** Printed for the reader, with no budget of its own: what a visitor who sends or is sent a file loads. */
const sums = [
  {
    name: 'everything but formatting (with the attachments and past conversations chunks)',
    files: allFiles().filter(file => !isFormattingChunk(file)),
  },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  let over = false;
  for (const { name, files, maxGzipBytes } of budgets) {
    const gzip = total(files);
    const fits = gzip <= maxGzipBytes;
    over ||= !fits;
    console.log(
      `${name}: ${(gzip / KB).toFixed(1)} KB gzip of ${maxGzipBytes / KB} KB (${files.join(', ')}): ${fits ? 'ok' : 'OVER BUDGET'}`,
    );
  }
  for (const { name, files } of sums) console.log(`${name}: ${(total(files) / KB).toFixed(1)} KB gzip, no budget (${files.join(', ')})`);
  process.exit(over ? 1 : 0);
}
