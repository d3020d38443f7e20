// `npm run manifest`: custom-elements.json from the JSDoc on the element (tags, attributes, properties,
// events, parts, CSS custom properties), the source of the README's API tables.

/** `support-chat-unread-change` is dispatched as `new SupportChatUnreadChangeEvent(...)`. */
const eventClass = name => `${name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}Event`;

/**
 * The analyzer also lists each `dispatchEvent(new XEvent(arg))` under the argument's name. The events
 * are the documented `@fires` ones, typed by their class in src/events.ts, which must exist.
 */
const documentedEventsOnly = () => ({
  name: 'documented-events-only',
  packageLinkPhase({ customElementsManifest }) {
    const classes = new Set(customElementsManifest.modules.flatMap(m => (m.declarations ?? []).map(d => d.name)));
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (!declaration.events) continue;
        declaration.events = declaration.events
          .filter(e => e.name?.startsWith('support-chat-'))
          .map(e => {
            if (!classes.has(eventClass(e.name))) throw new Error(`@fires ${e.name}: no class ${eventClass(e.name)} in src/events.ts`);
            return { ...e, type: { text: eventClass(e.name) } };
          });
      }
    }
  },
});

/**
 * The manifest describes what a page may use: `#private` fields and methods, and TypeScript `private`
 * ones, are the element's own business, so they are left out of every declaration.
 */
const publicMembersOnly = () => ({
  name: 'public-members-only',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (!declaration.members) continue;
        declaration.members = declaration.members.filter(m => m.privacy !== 'private' && !m.name.startsWith('#'));
      }
    }
  },
});

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/test/**'],
  outdir: '.',
  litelement: true,
  plugins: [documentedEventsOnly(), publicMembersOnly()],
};
