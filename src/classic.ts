/**
 * The classic-script entry, for tag managers and pages that insert plain `<script src>` tags: it loads
 * the module build that sits beside it, so both entries share one set of files and one browser cache.
 */
const script = document.currentScript;
const base = script instanceof HTMLScriptElement && script.src ? script.src : document.baseURI;
import(new URL('support-chat.js', base).href).catch((error: unknown) => {
  console.error('support-chat: could not load the widget beside the classic script.', error);
});
