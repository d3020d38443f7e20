import { css } from 'lit';

/**
 * The launcher's styles and the theme's tokens: all the first file needs. The panel's own come with it
 * (`panel.styles.ts`), loaded later.
 *
 * Every colour and size comes from a `--support-chat-*` custom property with a default here, so a page
 * themes the widget without reaching into its shadow root.
 */
export const styles = css`
  :host {
    --_accent: var(--support-chat-accent, #4338ca);
    --_accent-text: var(--support-chat-accent-text, #ffffff);
    --_background: var(--support-chat-background, #ffffff);
    --_text: var(--support-chat-text, #1f2937);
    --_muted: var(--support-chat-muted, #5b6472);
    --_bubble: var(--support-chat-bubble, #eef0f4);
    --_danger: var(--support-chat-danger, #b42318);
    --_radius: var(--support-chat-radius, 16px);
    --_offset: var(--support-chat-offset, 20px);

    --_warning: var(--support-chat-warning, #8a5a00);

    position: fixed;
    inset-block-end: var(--_offset);
    inset-inline-end: var(--_offset);
    /* 2147483000, spelled so the minifier keeps it: it prints numbers in var() to 6 significant digits. */
    z-index: var(--support-chat-z-index, calc(2147 * 1000000 + 483000));
    font-family: var(--support-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 15px;
    line-height: 1.4;
    color: var(--_text);
  }

  /* Dark: by attribute, or from the system unless the page asked for light. Tokens set by the page win.
     The two lists are the same, written out twice: the minifier cannot read a list put in by a template. */
  :host([theme='dark']) {
    --_background: var(--support-chat-background, #17191f);
    --_text: var(--support-chat-text, #e8eaef);
    --_muted: var(--support-chat-muted, #a4abb8);
    --_bubble: var(--support-chat-bubble, #2a2e38);
    --_accent: var(--support-chat-accent, #8b93ff);
    --_accent-text: var(--support-chat-accent-text, #10121a);
    --_danger: var(--support-chat-danger, #ff8a80);
    --_warning: var(--support-chat-warning, #f5c451);
    color-scheme: dark;
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_background: var(--support-chat-background, #17191f);
      --_text: var(--support-chat-text, #e8eaef);
      --_muted: var(--support-chat-muted, #a4abb8);
      --_bubble: var(--support-chat-bubble, #2a2e38);
      --_accent: var(--support-chat-accent, #8b93ff);
      --_accent-text: var(--support-chat-accent-text, #10121a);
      --_danger: var(--support-chat-danger, #ff8a80);
      --_warning: var(--support-chat-warning, #f5c451);
      color-scheme: dark;
    }
  }

  :host([mode='inline']) {
    position: relative;
    inset: auto;
    z-index: auto;
    display: block;
    height: 100%;
  }

  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  button {
    font: inherit;
    cursor: pointer;
  }

  button:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }

  .launcher {
    position: relative;
    display: grid;
    place-items: center;
    margin-inline-start: auto;
    width: 56px;
    height: 56px;
    border: none;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
  }

  .launcher svg {
    width: 26px;
    height: 26px;
    fill: currentColor;
  }

  .badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    min-width: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--_danger);
    color: #fff;
    font-size: 12px;
    font-weight: 600;
    line-height: 20px;
  }
`;
