// The agent console: signs in, lists every conversation and answers in one with <support-chat mode="inline">.
// The list is live: the server tells this page of each conversation that starts (with its row, as the list
// gives it), each message in any, each change of state, each assignment and each address a visitor leaves
// (`WatchConversations` on the hub), and the console counts what the agent has not read yet. Agents share
// it: filters by state, "Assign to me" and "Resolve", and a second agent's console sees both at once. The
// conversation itself (messages, receipts, ratings) is the widget's: this page draws only the list and the
// facts about the visitor. Built by rollup with the SignalR client into /dist/demo/agent.js. The token lives
// in this module's memory only. Every value from the server is shown as text (textContent), never as markup.
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { dateTime, isWebAddress, languageName, localTime, pageLabel, preview } from './agent-format.js';

const signIn = document.querySelector('#sign-in');
const signInError = document.querySelector('#sign-in-error');
const consoleView = document.querySelector('#console');
const filters = document.querySelector('#filters');
const list = document.querySelector('#conversations');
const empty = document.querySelector('#empty');
const live = document.querySelector('#live');
const chat = document.querySelector('#chat');
const pick = document.querySelector('#pick');
const details = document.querySelector('#details');
const visitorHeading = document.querySelector('#visitor');
const stateBadge = document.querySelector('#state');
const facts = document.querySelector('#facts');
const assignButton = document.querySelector('#assign');
const resolveButton = document.querySelector('#resolve');
const actionError = document.querySelector('#action-error');

let token;
let me;
let selected;
let filter = 'all';
/**
 * Conversation id → the row of GET /groups (visitor, pageUrl, timeZone, language, state, waiting, assignee,
 * contactEmail, rating, the last message with its format and file names …) kept current by pushes, plus
 * `unread`, and who resolved or reopened it and when, once its state was read or pushed.
 */
const conversations = new Map();
/**
 * How many pushes the console has applied. A conversation keeps the count of the last push that changed it
 * (`changedAt`): a read (the list, a state, an action's answer) that was asked before is older than that
 * push, however late it arrives, and must not undo it.
 */
let pushes = 0;
const changedSince = (conversation, asked) => (conversation?.changedAt ?? 0) > asked;

const STATE_NAMES = { open: 'Open', waiting: 'Waiting for a reply', resolved: 'Resolved' };

signIn.addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(signIn);
  const response = await fetch('/users/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
  });
  if (!response.ok) {
    // Past the sign-in limit the server says how long to wait, and the password may well be right.
    signInError.textContent =
      response.status === 429 ? (await response.json()).detail : 'That email and password do not match an agent account.';
    return;
  }
  token = (await response.json()).token;
  me = userIdOf(token);
  chat.tokenProvider = () => token;
  signIn.hidden = true;
  consoleView.hidden = false;
  await watch();
});

filters.addEventListener('click', event => {
  const button = event.target.closest('button[data-filter]');
  if (!button) return;
  filter = button.dataset.filter;
  for (const other of filters.querySelectorAll('button')) other.setAttribute('aria-pressed', String(other === button));
  render();
  // The first page of all conversations may not hold every resolved one: the server's filter fills in the rest.
  if (filter !== 'all') void load(filter);
});

assignButton.addEventListener('click', () => act('assign', assign));
resolveButton.addEventListener('click', () => act('resolve', applyState));

/** The user id in the token, to tell the agent's own messages from the visitors'. */
function userIdOf(jwt) {
  const claims = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  return Number(claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/sid'] ?? claims.sid ?? claims.sub);
}

async function watch() {
  const connection = new HubConnectionBuilder()
    .withUrl('/hubs/groupchat', { accessTokenFactory: () => token })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => Math.min(10_000, 500 * 2 ** context.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();
  // The push is the conversation's row as the list gives it: who the visitor is and where they write from.
  connection.on('ConversationStarted', row => {
    if (conversations.has(String(row.id))) return;
    conversations.set(String(row.id), { ...row, unread: 0, changedAt: ++pushes });
    render();
    announce(`New conversation: ${labelOf(row)}`);
  });
  connection.on('ConversationMessage', message => {
    const conversation = conversations.get(String(message.groupId));
    // A conversation from before this page's list (or its reconnect) was loaded: load the list again.
    if (!conversation) return void load();
    if (message.id > (conversation.lastMessageId ?? 0)) {
      conversation.lastMessage = message.message;
      conversation.lastMessageId = message.id;
      conversation.lastMessageFormat = message.format;
      conversation.lastMessageFiles = message.attachments?.map(file => file.name);
      conversation.changedAt = ++pushes;
      // As the server counts it: waiting while its visitor wrote last. A message that reopens a resolved
      // conversation comes before its new state.
      conversation.waiting = message.userId === conversation.ownerUserId;
      if (String(message.groupId) !== selected && message.userId !== me) conversation.unread++;
      render();
    }
  });
  connection.on('ConversationState', state => applyState(state, { pushed: true }));
  connection.on('ConversationAssigned', ({ groupId, assignee }) => assign({ groupId, assignee }, { pushed: true }));
  connection.on('ConversationContact', ({ groupId, contactEmail }) => {
    const conversation = conversations.get(String(groupId));
    if (!conversation) return;
    conversation.contactEmail = contactEmail;
    conversation.changedAt = ++pushes;
    render();
  });
  // After a reconnect the pushes in between are gone: the list is fetched again (unread counts stay).
  connection.onreconnected(async () => {
    await connection.invoke('WatchConversations');
    await load();
    if (selected) await loadState(selected);
  });
  await connection.start();
  await connection.invoke('WatchConversations');
  await load();
  // The visitors' local times move on while the agent reads: the rows' clocks follow the minute.
  setInterval(tick, 15_000);
}

/**
 * A GET with the agent's token: its JSON, or undefined when it failed. What the console reads it also hears
 * by push, and a reconnect reads it all again, so a read lost while offline costs nothing.
 */
async function read(path) {
  try {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

/** GET /groups, optionally one state only; rows replace what the list knew, unread counts stay. */
async function load(state) {
  const asked = pushes;
  const answer = await read(state ? `/groups?state=${state}` : '/groups');
  if (!answer) return;
  const { groups } = answer;
  for (const group of groups) {
    const known = conversations.get(String(group.id));
    if (changedSince(known, asked)) continue;
    conversations.set(String(group.id), { ...known, ...group, unread: known?.unread ?? 0 });
  }
  render();
}

/** Who resolved or reopened the conversation and when: the list does not say, its state does. */
async function loadState(groupId) {
  const asked = pushes;
  const state = await read(`/chats/${groupId}/state`);
  if (state) applyState(state, { asked });
}

/** A state pushed, or read when `asked` pushes had been applied. */
function applyState(state, { pushed = false, asked = Infinity } = {}) {
  const conversation = conversations.get(String(state.groupId));
  if (!conversation || changedSince(conversation, asked)) return;
  Object.assign(conversation, {
    state: state.state,
    resolvedAt: state.resolvedAt,
    resolvedBy: state.resolvedBy,
    reopenedAt: state.reopenedAt,
    reopenedBy: state.reopenedBy,
    rating: state.rating,
  });
  if (pushed) conversation.changedAt = ++pushes;
  render();
}

/** An assignment pushed, or answered when `asked` pushes had been applied. */
function assign({ groupId, assignee }, { pushed = false, asked = Infinity } = {}) {
  const conversation = conversations.get(String(groupId));
  if (!conversation || changedSince(conversation, asked)) return;
  conversation.assignee = assignee;
  if (pushed) conversation.changedAt = ++pushes;
  render();
}

/** POST /chats/{id}/assign or /resolve for the open conversation; a refusal shows the server's sentence. */
async function act(action, apply) {
  const groupId = selected;
  const used = document.activeElement;
  const asked = pushes;
  actionError.textContent = '';
  let response;
  try {
    response = await fetch(`/chats/${groupId}/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  } catch {
    refused(groupId, 'The server could not be reached, so the conversation was not changed. Try again when you are back online.');
    return;
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    refused(groupId, body?.detail ?? `The conversation was not changed (${response.status}).`);
    return;
  }
  apply(body, { asked });
  // The button used hides itself (assigned to me, resolved): the keyboard stays with the conversation's facts.
  if (used?.hidden && selected === groupId) ([assignButton, resolveButton].find(button => !button.hidden) ?? visitorHeading).focus();
}

/**
 * Why an action on `groupId` did not happen: under it while it shows; said in the live region, naming it, once
 * another conversation shows (not under that one, which it is not about), so the agent is not left believing it done.
 */
function refused(groupId, why) {
  if (selected === groupId) actionError.textContent = why;
  else announce(`${labelOf(conversations.get(String(groupId)) ?? { name: `Conversation ${groupId}` })}: ${why}`);
}

/** What the list calls a conversation: its visitor's name or label, else (one with no visitor) its name. */
const labelOf = conversation => conversation.visitor ?? conversation.name;

function stateOf(conversation) {
  if (conversation.state === 'resolved') return 'resolved';
  return conversation.waiting ? 'waiting' : 'open';
}

function shown(conversation) {
  const state = stateOf(conversation);
  if (filter === 'all') return true;
  // "Open" is every conversation not resolved, as the server's own filter: waiting ones too.
  return filter === 'open' ? state !== 'resolved' : state === filter;
}

function render() {
  const sorted = [...conversations.values()].filter(shown).sort((a, b) => (b.lastMessageId ?? 0) - (a.lastMessageId ?? 0) || b.id - a.id);
  const items = sorted.map(renderConversation);
  // Rows are kept and redrawn in place; they move only when the order changes, and whoever was on a row
  // with the keyboard stays on it.
  if (items.length !== list.children.length || items.some((item, i) => list.children[i] !== item)) {
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.group : undefined;
    list.replaceChildren(...items);
    if (focused) list.querySelector(`[data-group="${focused}"]`)?.focus();
  }
  empty.hidden = sorted.length > 0;
  renderDetails();
}

function text(tag, className, content) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.textContent = content;
  return element;
}

/** Conversation id → its row, made once and redrawn in place. */
const rows = new Map();

function renderConversation(conversation) {
  const id = String(conversation.id);
  let item = rows.get(id);
  if (!item) {
    item = document.createElement('li');
    const made = document.createElement('button');
    made.type = 'button';
    made.dataset.group = id;
    made.addEventListener('click', () => open(id));
    item.append(made);
    rows.set(id, item);
  }
  const button = item.firstElementChild;
  button.setAttribute('aria-current', String(id === selected));
  const state = stateOf(conversation);
  const top = text('span', 'top', '');
  top.append(text('strong', 'who', labelOf(conversation)), text('span', `state ${state}`, STATE_NAMES[state]));
  button.replaceChildren(top);
  const page = pageLabel(conversation.pageUrl);
  const time = localTime(conversation.timeZone);
  const language = languageName(conversation.language);
  if (page || time || language) {
    const meta = text('span', 'meta', '');
    if (page) meta.append(text('span', 'page', page));
    if (time) {
      const clock = text('span', 'local-time', time);
      clock.dataset.zone = conversation.timeZone;
      meta.append(clock);
    }
    if (language) meta.append(text('span', 'language', language));
    button.append(meta);
  }
  button.append(renderPreview(conversation));
  const more = [
    conversation.assignee ? `Assigned to ${assigneeName(conversation.assignee)}` : undefined,
    conversation.rating ? `Rated ${conversation.rating.score} of 5` : undefined,
    conversation.contactEmail,
  ].filter(Boolean);
  if (more.length > 0) button.append(text('span', 'more', more.join(' · ')));
  if (conversation.unread > 0) {
    const unread = text('span', 'unread', String(conversation.unread));
    // Read out as words; the number alone is for the eye.
    unread.setAttribute('aria-label', conversation.unread === 1 ? '1 unread message' : `${conversation.unread} unread messages`);
    button.append(unread);
  }
  return item;
}

/** The last message's words, or a paperclip (the widget's own) and the file for a message of files alone. */
function renderPreview(conversation) {
  const { text: words, files } = preview(
    { message: conversation.lastMessage, format: conversation.lastMessageFormat, files: conversation.lastMessageFiles },
    conversation.lastMessageId != null,
  );
  const last = text('span', 'last', words);
  if (files) {
    const svg = 'http://www.w3.org/2000/svg';
    const icon = document.createElementNS(svg, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('role', 'img');
    icon.setAttribute('aria-label', 'File:');
    const path = document.createElementNS(svg, 'path');
    path.setAttribute('d', 'M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V6');
    icon.append(path);
    last.prepend(icon);
  }
  return last;
}

const assigneeName = assignee => (assignee.userId === me ? 'you' : assignee.name || `agent ${assignee.userId}`);

/** The person who did something: the conversation's own visitor by their label, an agent by name. */
function personName(conversation, person) {
  if (person.userId === conversation.ownerUserId) return labelOf(conversation);
  return person.userId === me ? 'you' : person.name;
}

/** The open conversation's facts, its state and what the agent may do with it. */
function renderDetails() {
  const conversation = selected && conversations.get(selected);
  details.hidden = !conversation;
  if (!conversation) return;
  visitorHeading.textContent = labelOf(conversation);
  const state = stateOf(conversation);
  stateBadge.className = `state ${state}`;
  stateBadge.textContent = STATE_NAMES[state];
  const rows = [];
  if (conversation.pageUrl) rows.push({ term: 'Page', page: conversation.pageUrl });
  if (localTime(conversation.timeZone)) rows.push({ term: 'Local time', zone: conversation.timeZone });
  if (conversation.language) rows.push({ term: 'Language', value: languageName(conversation.language) });
  if (conversation.contactEmail) rows.push({ term: 'Email', value: conversation.contactEmail });
  rows.push({ term: 'Assigned to', value: conversation.assignee ? assigneeName(conversation.assignee) : 'nobody' });
  if (conversation.rating) {
    const { score, comment } = conversation.rating;
    rows.push({ term: 'Rating', value: comment ? `${score} of 5: “${comment}”` : `${score} of 5` });
  }
  if (conversation.state === 'resolved' && conversation.resolvedBy) {
    rows.push({ term: 'Resolved', value: `by ${personName(conversation, conversation.resolvedBy)}, ${dateTime(conversation.resolvedAt)}` });
  }
  if (conversation.reopenedBy) {
    rows.push({ term: 'Reopened', value: `by ${personName(conversation, conversation.reopenedBy)}, ${dateTime(conversation.reopenedAt)}` });
  }
  // Drawn again only when a fact changed: a push about another conversation must not take the keyboard off
  // the page link (the clock keeps its own time, see `tick`).
  const drawn = JSON.stringify(rows);
  if (drawn !== drawnFacts) {
    drawnFacts = drawn;
    facts.replaceChildren(...rows.map(renderFact));
  }
  assignButton.hidden = conversation.assignee?.userId === me;
  resolveButton.hidden = conversation.state === 'resolved';
}

/** The facts as they were last drawn. */
let drawnFacts;

function renderFact({ term, value, page, zone }) {
  const row = document.createElement('div');
  const definition = text('dd', '', value ?? '');
  if (page) definition.replaceChildren(pageLink(page));
  if (zone) {
    definition.textContent = localTime(zone);
    definition.dataset.zone = zone;
  }
  row.append(text('dt', '', term), definition);
  return row;
}

/** The visitor's page as a link when it is a web address, else as the text it is. */
function pageLink(url) {
  if (!isWebAddress(url)) return url;
  const link = text('a', '', pageLabel(url));
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}

/** The visitors' clocks, in the list and in the open conversation's facts. */
function tick() {
  for (const clock of document.querySelectorAll('[data-zone]')) clock.textContent = localTime(clock.dataset.zone) ?? '';
}

function open(groupId) {
  const conversation = conversations.get(groupId);
  selected = groupId;
  chat.heading = conversation ? labelOf(conversation) : '';
  chat.group = groupId;
  chat.hidden = false;
  pick.hidden = true;
  actionError.textContent = '';
  if (conversation) conversation.unread = 0;
  render();
  list.querySelector(`[data-group="${groupId}"]`)?.focus();
  void loadState(groupId);
}

/** Said once by screen readers, politely: the list itself changes too often to be a live region. */
function announce(message) {
  live.textContent = message;
}
