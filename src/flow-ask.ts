import type { FlowStrings } from './strings.js';

/** A question at the end of the list: asked, on its way, answered, or put away. */
export type Asking = { phase: 'ask' | 'sending'; error?: string } | { phase: 'done'; said: string } | { phase: 'dismissed' };

/** What a part of the workflow that asks the visitor something needs of it. */
export interface AskingHost {
  /** The element the question is drawn in: its answer is read from there. */
  readonly element: { readonly renderRoot: ParentNode; requestUpdate(): void };
  readonly conversation: { call(path: string, body?: unknown): Promise<unknown> };
  /** The conversation the workflow shows, as of the last update. */
  readonly group?: string;
  /** The reader is an agent: they are the team, and nothing is asked of them. */
  readonly agent: boolean;
  readonly text: FlowStrings;
  /** A failure, said to the visitor: a refusal's own sentence, the widget's words for no answer at all. */
  said(error: unknown): string;
  /** After the next render, the focus goes to `selector` (the composer if none), if the control it was on went away. */
  focusNext(selector?: string): void;
}

/**
 * A question answered or put away (`what` names it and its conversation): not asked again there, on any visit
 * or tab, until the visitor logs out (`forgetConversation` removes them).
 */
export function asked(what: string): boolean {
  try {
    return localStorage.getItem(`support-chat:${what}`) !== null;
  } catch {
    return false;
  }
}

export function remember(what: string) {
  try {
    localStorage.setItem(`support-chat:${what}`, '1');
  } catch {
    // Storage refused: asked again on the next visit, no worse than that.
  }
}
