import { css } from 'lit';

/** The panel: loaded with the connection, added to the element's shadow root beside the launcher's styles. */
export const panelStyles = css`
  .panel {
    position: relative;
    display: flex;
    flex-direction: column;
    width: min(var(--support-chat-width, 370px), calc(100vw - 2 * var(--_offset)));
    height: min(var(--support-chat-height, 560px), calc(100vh - 4 * var(--_offset) - 56px));
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.22);
  }

  /*
   * Launcher mode: the panel is a popover, so it opens in the top layer above whatever the page stacks,
   * with no z-index to win. It sits above the launcher; the browser's popover box styles are undone.
   */
  .panel[popover] {
    position: fixed;
    inset: auto;
    inset-block-end: calc(var(--_offset) + 56px + 12px);
    inset-inline-end: var(--_offset);
    margin: 0;
    padding: 0;
    border: 0;
  }

  /* A phone: the open panel is the whole visible viewport, above the keyboard; 16 px text keeps iOS from zooming. */
  @media (max-width: 480px) {
    :host([open]:not([mode='inline'])) .panel {
      position: fixed;
      inset: var(--_viewport-top, 0) 0 auto 0;
      width: 100vw;
      height: var(--_viewport-height, 100dvh);
      margin: 0;
      border-radius: 0;
    }

    :host([open]:not([mode='inline'])) .launcher {
      display: none;
    }
  }

  :host([mode='inline']) .panel {
    width: 100%;
    height: 100%;
    margin: 0;
    border-radius: 0;
    box-shadow: none;
  }

  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 14px 16px;
    background: var(--_accent);
    color: var(--_accent-text);
  }

  .title {
    flex: 1;
    min-width: 0;
  }

  .who {
    display: flex;
    gap: 6px;
    align-items: center;
    margin: 2px 0 0;
    font-size: 13px;
    opacity: 0.9;
  }

  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
  }

  .status {
    font-size: 13px;
  }

  .status::before {
    content: '';
    display: inline-block;
    width: 8px;
    height: 8px;
    margin-inline-end: 6px;
    border-radius: 50%;
    background: #f5b83d;
  }

  .status[data-status='connected']::before {
    background: #3ccf7a;
  }

  .close {
    width: 32px;
    height: 32px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    font-size: 22px;
    line-height: 1;
  }

  .banner {
    margin: 0;
    padding: 8px 16px;
    background: color-mix(in srgb, var(--_warning) 14%, var(--_background));
    color: var(--_warning);
    font-size: 14px;
  }

  /* The panel rises into view, unless the visitor asked for less motion. */
  @media (prefers-reduced-motion: no-preference) {
    :host(:not([mode='inline'])) .panel {
      animation: rise 160ms ease-out;
    }
  }

  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }

  .notice {
    margin: 0;
    padding: 8px 16px;
    background: color-mix(in srgb, var(--_danger) 12%, var(--_background));
    color: var(--_danger);
    font-size: 14px;
  }

  form {
    display: flex;
    gap: 8px;
    padding: 12px;
    border-block-start: 1px solid color-mix(in srgb, var(--_text) 12%, transparent);
  }

  textarea {
    flex: 1;
    max-height: 8em;
    padding: 8px 12px;
    resize: none;
    border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
    border-radius: 12px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 16px;
    field-sizing: content;
  }

  form button {
    padding: 0 16px;
    border: none;
    border-radius: 12px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }

  form button:disabled {
    opacity: 0.5;
    cursor: default;
  }

  form .attach {
    padding: 0 6px;
    background: none;
    color: inherit;
  }

  .attach svg {
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
  }

  /* Files dragged over the panel: it shows it takes them. */
  .panel[data-dropping='true'] {
    outline: 3px dashed var(--_accent);
    outline-offset: -6px;
  }
`;
