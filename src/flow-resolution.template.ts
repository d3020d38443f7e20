import { html, nothing } from 'lit';
import type { Asking } from './flow-ask.js';
import type { Resolution } from './flow-resolution.js';
import type { FlowStrings } from './strings.js';

/** The conversation's resolution and its questions, and what their controls do. */
export type ResolutionView = Pick<Resolution, 'state' | 'rating' | 'starting' | 'choose' | 'rate' | 'dismiss' | 'startNew'>;

/**
 * The end of a resolved conversation as the visitor reads it (the rating question, a new conversation
 * offered); for an agent, who resolved or reopened it and the rating it got. Nothing while it is open.
 */
export function renderResolution(view: ResolutionView, text: FlowStrings, agent: boolean, locale: string) {
  const state = view.state;
  if (!state) return nothing;
  if (agent) {
    // As the console's header writes it ("Nov 30, 2026, 10:28 AM"): one way of writing a time on one screen.
    const time = (at: Date) => new Intl.DateTimeFormat(locale || undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
    const lines = [
      state.resolved && state.resolvedBy && state.resolvedAt ? text.resolvedBy(state.resolvedBy.name, time(state.resolvedAt)) : '',
      !state.resolved && state.reopenedBy && state.reopenedAt ? text.reopenedBy(state.reopenedBy.name, time(state.reopenedAt)) : '',
      state.rating ? text.rated(state.rating.score, state.rating.comment) : '',
    ].filter(line => line);
    return lines.length
      ? html`<div class="flow" role="status">${lines.map(line => html`<p class="resolution">${line}</p>`)}</div>`
      : nothing;
  }
  if (!state.resolved) return nothing;
  const asking = view.rating?.asking;
  return html`<div class="flow">
    <p class="resolution" role="status">${text.resolved}</p>
    ${(asking?.phase === 'ask' || asking?.phase === 'sending') && !state.rated ? renderRating(view, text, asking, view.rating?.score) : nothing}
    ${asking?.phase === 'done' ? html`<p class="said" role="status">${asking.said}</p>` : nothing}
    <button class="link start" ?disabled=${view.starting?.phase === 'sending'} @click=${view.startNew}>${text.startNew}</button>
    ${view.starting?.phase === 'ask' ? html`<p class="error" role="alert">${view.starting.error}</p>` : nothing}
  </div>`;
}

/** Compact until a score is picked, so the resolved line above it stays in view: then the comment and Send. */
function renderRating(
  view: ResolutionView,
  text: FlowStrings,
  asking: Extract<Asking, { phase: 'ask' | 'sending' }>,
  chosen: number | undefined,
) {
  return html`<div class="ask rating">
    <fieldset ?disabled=${asking.phase === 'sending'}>
      <legend>${text.rateQuestion}</legend>
      <div class="actions">
        ${[1, 2, 3, 4, 5].map(
          score =>
            html`<label class="score"
              ><input
                type="radio"
                name="score"
                value=${score}
                aria-label=${text.score(score)}
                .checked=${score === chosen}
                @change=${view.choose}
              /><span aria-hidden="true">${score}</span></label
            >`,
        )}
        <button type="button" class="link" @click=${view.dismiss}>${text.notNow}</button>
      </div>
      ${
        chosen
          ? html`<label>${text.rateComment}<textarea maxlength="1000" rows="1"></textarea></label>
              ${asking.error ? html`<p class="error" role="alert">${asking.error}</p>` : nothing}
              <button class="primary" @click=${view.rate}>${text.sendRating}</button>`
          : nothing
      }
    </fieldset>
  </div>`;
}
