import { html, nothing } from 'lit';
import type { Asking } from './flow-ask.js';
import type { Availability } from './flow-availability.js';
import type { TeamAvailability } from './flow-protocol.js';
import type { FlowStrings } from './strings.js';

/** The header's line: whether someone is there, or when they will be. Not for agents: they are the team. */
export function renderAvailability(now: TeamAvailability | undefined, text: FlowStrings, agent: boolean, locale: string) {
  if (!now || agent) return nothing;
  return html`<p class="availability">${now.online ? text.online : back(now.nextOpenAt, text, locale || undefined)}</p>`;
}

function back(at: Date | undefined, text: FlowStrings, locale: string | undefined) {
  if (!at) return text.away;
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
  const day = (date: Date) => new Intl.DateTimeFormat('en', { dateStyle: 'short' }).format(date);
  // Today in the visitor's time zone (the browser's): the time alone says it.
  return day(at) === day(new Date())
    ? text.backAt(time)
    : text.backAt(time, new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(at));
}

/** The email question while nobody is there (`asking`, while it is due), and what its controls do. */
export function renderContact(asking: Asking | undefined, text: FlowStrings, on: Pick<Availability, 'saveEmail' | 'dismissContact'>) {
  if (!asking || asking.phase === 'dismissed') return nothing;
  if (asking.phase === 'done') return html`<p class="said" role="status">${asking.said}</p>`;
  return html`<div class="ask contact">
    <fieldset ?disabled=${asking.phase === 'sending'}>
      <label
        >${text.askEmail}<input
          type="email"
          autocomplete="email"
          aria-describedby=${asking.error ? 'contact-error' : nothing}
          @keydown=${(event: KeyboardEvent) => event.key === 'Enter' && on.saveEmail()}
      /></label>
      ${asking.error ? html`<p id="contact-error" class="error" role="alert">${asking.error}</p>` : nothing}
      <div class="actions">
        <button class="primary" @click=${on.saveEmail}>${text.sendEmail}</button>
        <button type="button" class="link" @click=${on.dismissContact}>${text.notNow}</button>
      </div>
    </fieldset>
  </div>`;
}
