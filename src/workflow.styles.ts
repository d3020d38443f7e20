import { css } from 'lit';

/** The workflow's parts in the panel: the header's line, the questions, the past conversations, "Seen". */
export const flowStyles = css`
  .availability {
    margin: 2px 0 0;
    font-size: 13px;
    opacity: 0.9;
  }

  .link {
    align-self: center;
    padding: 4px 8px;
    border: none;
    background: none;
    color: inherit;
    font: inherit;
    font-size: 14px;
    text-decoration: underline;
    cursor: pointer;
  }

  .log > .link {
    display: block;
    margin: 0 auto;
  }

  .flow {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin-block-start: 12px;
  }

  .resolution {
    align-self: center;
    margin: 0;
    padding: 4px 12px;
    border-radius: 10px;
    background: var(--_bubble);
    font-size: 14px;
    text-align: center;
  }

  .said {
    margin: 0;
    text-align: center;
    font-size: 14px;
  }

  .seen {
    color: var(--_muted);
    font-size: 12px;
  }

  .ask {
    margin-block-start: 12px;
    padding: 12px;
    border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
    border-radius: var(--_radius);
  }

  fieldset {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0;
    padding: 0;
    border: none;
  }

  legend {
    padding: 0;
    margin-block-end: 8px;
    font-weight: 600;
  }

  .score {
    position: relative;
  }

  .score input {
    position: absolute;
    inset: 0;
    margin: 0;
    opacity: 0;
    cursor: pointer;
  }

  .score span {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border: 1px solid color-mix(in srgb, var(--_text) 35%, transparent);
    border-radius: 50%;
  }

  .score input:checked + span {
    background: var(--_accent);
    color: var(--_accent-text);
  }

  .score input:focus-visible + span {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .log label:not(.score) {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 14px;
  }

  .ask input[type='email'],
  .ask textarea {
    padding: 6px 10px;
    border: 1px solid color-mix(in srgb, var(--_text) 35%, transparent);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 16px;
  }

  .actions {
    display: flex;
    gap: 8px;
    align-items: center;
  }

  .primary {
    align-self: flex-start;
    padding: 8px 16px;
    border: none;
    border-radius: 12px;
    background: var(--_accent);
    color: var(--_accent-text);
    font: inherit;
    font-weight: 600;
  }

  .error {
    margin: 0;
    color: var(--_danger);
    font-size: 14px;
  }

  .past ul {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .past h3 {
    margin: 8px 0;
    font-size: 15px;
  }

  .past li button {
    width: 100%;
    padding: 8px 12px;
    border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 14px;
    text-align: start;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .past li button[aria-current='true'] {
    border-color: var(--_accent);
  }
`;
