import type { FlowStrings } from './strings.js';

/** The workflow's texts in English: a page's `strings` override them as they do the rest. */
export const flowStrings: FlowStrings = {
  online: 'We usually answer in a few minutes',
  backAt: (time, weekday) => (weekday ? `Back on ${weekday} at ${time}` : `Back at ${time}`),
  away: "We'll answer as soon as we can",
  emptyAway: 'Ask us anything. Nobody is here right now: we will answer when we are back.',
  resolved: 'This conversation was resolved',
  resolvedBy: (name, time) => `Resolved by ${name} at ${time}`,
  reopenedBy: (name, time) => `Reopened by ${name} at ${time}`,
  rated: (score, comment) => `Rated ${score} of 5${comment ? `: “${comment}”` : ''}`,
  rateQuestion: 'How did we do?',
  score: score => `${score} of 5`,
  rateComment: 'Anything to add? (optional)',
  sendRating: 'Send rating',
  notNow: 'Not now',
  thanks: 'Thank you for your rating!',
  startNew: 'Start a new conversation',
  past: 'Past conversations',
  backToChat: 'Back to the conversation',
  noPast: 'No earlier conversations.',
  pastItem: (date, resolved, last) => `${date} · ${resolved ? 'Resolved' : 'Open'}${last ? ` · ${last}` : ''}`,
  seen: 'Seen',
  askEmail: 'Nobody is here right now. Leave your email and we will answer you there.',
  sendEmail: 'Save',
  emailSaved: email => `We will answer at ${email}.`,
  emailRefused: 'That is not an email address we can answer at, such as name@example.com.',
};
