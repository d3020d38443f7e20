import { css } from 'lit';
import { listStyles } from './attachment-list.js';

/** Adopted beside the panel's styles when this chunk loads: the chips', and a message's files'. */
export const trayStyles = [
  listStyles,
  css`
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin: 0;
      padding: 6px 10px 0;
      list-style: none;
    }
    .chip {
      display: flex;
      gap: 6px;
      align-items: center;
      max-width: 100%;
      padding: 4px 6px;
      border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
      border-radius: 8px;
      font-size: 0.8em;
    }
    .chip img,
    .chip .icon {
      width: 32px;
      height: 32px;
      object-fit: cover;
      flex: none;
    }
    .chip .icon {
      fill: none;
      stroke: currentColor;
      stroke-width: 1.5;
    }
    .chip .about {
      display: grid;
      min-width: 0;
    }
    .chip .file {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .chip .refused {
      color: var(--_danger);
    }
    .chip progress {
      width: 100%;
      accent-color: var(--_accent);
    }
    /* The files' live region (drawn by the panel from the start, empty and so of no height until now). */
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .chip .remove {
      min-width: 24px;
      min-height: 24px;
      border: 0;
      background: none;
      color: inherit;
      cursor: pointer;
      font: inherit;
    }
  `,
];
