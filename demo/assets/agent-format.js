// Small formatting helpers for the agent console's list: what a visitor's time zone, language tag, page and
// last message look like to the agent. Every result is a string for textContent, never markup. The agent's
// own locale (the browser's) formats everything, as the widget's message times do.
import { marked } from 'marked';

const formats = new Map();

/** Making an Intl formatter costs far more than using one, and the list formats each row on every push. */
function cached(key, make) {
  if (!formats.has(key)) formats.set(key, make());
  return formats.get(key);
}

/** "3:42 PM GMT+1": the time now where the visitor is, or undefined for a zone this browser does not know. */
export function localTime(timeZone, now = new Date()) {
  if (!timeZone) return undefined;
  try {
    const format = cached(`zone ${timeZone}`, () => new Intl.DateTimeFormat(undefined, { timeZone, timeStyle: 'short' }));
    const zoneName = cached(`zone name ${timeZone}`, () => new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'short' }));
    const zone = zoneName.formatToParts(now).find(part => part.type === 'timeZoneName')?.value;
    return zone ? `${format.format(now)} ${zone}` : format.format(now);
  } catch {
    // A zone the server knows and this browser's Intl does not: nothing rather than a wrong time.
    return undefined;
  }
}

/** "German (Austria)" for "de-AT", in the agent's language; the tag itself when Intl cannot name it. */
export function languageName(tag) {
  if (!tag) return undefined;
  try {
    return cached('languages', () => new Intl.DisplayNames(undefined, { type: 'language' })).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "Nov 30, 2026, 10:42 AM": when something happened, in the agent's own time. */
export function dateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return cached('date time', () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })).format(date);
}

/** Whether an address may be a link: http or https, as the browser parses it (never javascript: or data:). */
export function isWebAddress(url) {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** "shop.example/checkout": the page, short enough for a list row; the text itself when it is no URL. */
export function pageLabel(url) {
  if (!url) return undefined;
  try {
    const { host, pathname } = new URL(url);
    return host ? `${host}${pathname === '/' ? '' : decodePath(pathname)}` : url;
  } catch {
    return url;
  }
}

function decodePath(path) {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/**
 * The last message as one line: its text (markdown as the words it shows, not its markup), or, for a
 * message of files alone, `files: true` and the file's name or how many there are (`files`: their names).
 * `known` says there is a message at all: one of files alone has no text, and a server that does not name
 * its files gets "Files".
 */
export function preview({ message, format, files }, known) {
  const text = format === 'markdown' ? plainText(message ?? '') : (message ?? '');
  if (text.trim() !== '') return { text: text.replace(/\s+/g, ' ').trim(), files: false };
  if (files?.length === 1) return { text: files[0], files: true };
  if (files?.length > 1) return { text: `${files.length} files`, files: true };
  return known ? { text: 'Files', files: true } : { text: 'No messages yet', files: false };
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The entities a writer may type in markdown, as the character they show; anything else stays as typed. */
function decodeEntities(text) {
  return text.replace(/&(#\d{1,7}|#[Xx][\dA-Fa-f]{1,6}|\w+);/g, (entity, name) => {
    if (name[0] !== '#') return ENTITIES[name] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/**
 * Markdown as the words a reader sees, from marked's tokens (the parser the widget renders with), so the
 * preview and the bubble agree on what is markup. Raw HTML in a message is kept as the text it is, never
 * parsed: the widget shows it as text too.
 */
export function plainText(markdown) {
  return words(marked.lexer(markdown, { gfm: true }))
    .replace(/\s+/g, ' ')
    .trim();
}

function words(tokens) {
  return tokens.map(word).join('');
}

function word(token) {
  switch (token.type) {
    case 'space':
    case 'br':
    case 'hr':
      return ' ';
    case 'escape':
    case 'codespan':
    case 'code':
    case 'html':
      return token.type === 'code' ? ` ${token.text} ` : token.text;
    case 'list':
      return token.items.map(item => ` ${words(item.tokens)} `).join('');
    case 'table':
      return [token.header, ...token.rows].map(row => ` ${row.map(cell => words(cell.tokens)).join(' ')} `).join('');
    default:
      if (token.tokens) return words(token.tokens) + (isBlock(token) ? ' ' : '');
      return decodeEntities(token.text ?? token.raw ?? '');
  }
}

const isBlock = token => ['paragraph', 'heading', 'blockquote', 'list_item'].includes(token.type);
