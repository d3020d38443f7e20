// The agent console: signs in, lists every conversation and answers in one with <support-chat mode="inline">.
// The list is live: the server tells this page of each conversation that starts and each message in any
// (`WatchConversations` on the hub), and the console counts what the agent has not read yet. Built by rollup
// with the SignalR client into /dist/demo/agent.js. The token lives in this module's memory only.
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';

const signIn = document.querySelector('#sign-in');
const signInError = document.querySelector('#sign-in-error');
const consoleView = document.querySelector('#console');
const list = document.querySelector('#conversations');
const live = document.querySelector('#live');
const chat = document.querySelector('#chat');
const pick = document.querySelector('#pick');

let token;
let me;
let selected;
/** Conversation id → { id, name, lastMessage, lastMessageId, unread }, shown most recent first. */
const conversations = new Map();

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
  connection.on('ConversationStarted', group => {
    if (conversations.has(String(group.id))) return;
    conversations.set(String(group.id), { ...group, unread: 0 });
    render();
    announce(`New conversation: ${group.name}`);
  });
  connection.on('ConversationMessage', message => {
    const conversation = conversations.get(String(message.groupId));
    // A conversation from before this page's list (or its reconnect) was loaded: load the list again.
    if (!conversation) return void load();
    if (message.id <= (conversation.lastMessageId ?? 0)) return;
    conversation.lastMessage = message.message;
    conversation.lastMessageId = message.id;
    if (String(message.groupId) !== selected && message.userId !== me) conversation.unread++;
    render();
  });
  // After a reconnect the pushes in between are gone: the list is fetched again (unread counts stay).
  connection.onreconnected(async () => {
    await connection.invoke('WatchConversations');
    await load();
  });
  await connection.start();
  await connection.invoke('WatchConversations');
  await load();
}

async function load() {
  const response = await fetch('/groups', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) return;
  const { groups } = await response.json();
  for (const group of groups) {
    const known = conversations.get(String(group.id));
    conversations.set(String(group.id), { ...group, unread: known?.unread ?? 0 });
  }
  render();
}

function render() {
  const sorted = [...conversations.values()].sort((a, b) => (b.lastMessageId ?? 0) - (a.lastMessageId ?? 0) || b.id - a.id);
  list.replaceChildren(...sorted.map(renderConversation));
}

function renderConversation(conversation) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.group = String(conversation.id);
  button.setAttribute('aria-current', String(String(conversation.id) === selected));
  const name = document.createElement('strong');
  name.textContent = conversation.name;
  const last = document.createElement('span');
  last.className = 'last';
  last.textContent = conversation.lastMessage ?? 'No messages yet';
  button.append(name, last);
  if (conversation.unread > 0) {
    const unread = document.createElement('span');
    unread.className = 'unread';
    unread.textContent = String(conversation.unread);
    // Read out as words; the number alone is for the eye.
    unread.setAttribute('aria-label', conversation.unread === 1 ? '1 unread message' : `${conversation.unread} unread messages`);
    button.append(unread);
  }
  button.addEventListener('click', () => open(String(conversation.id), conversation.name));
  item.append(button);
  return item;
}

function open(groupId, name) {
  selected = groupId;
  chat.heading = name;
  chat.group = groupId;
  chat.hidden = false;
  pick.hidden = true;
  const conversation = conversations.get(groupId);
  if (conversation) conversation.unread = 0;
  render();
  list.querySelector(`[data-group="${groupId}"]`)?.focus();
}

/** Said once by screen readers, politely: the list itself changes too often to be a live region. */
function announce(text) {
  live.textContent = text;
}
