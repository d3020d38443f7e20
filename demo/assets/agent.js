// The agent console: signs in, lists every conversation and answers in one with <support-chat mode="inline">.
// The token lives in this module's memory only.

const REFRESH_MS = 5000;

const signIn = document.querySelector('#sign-in');
const signInError = document.querySelector('#sign-in-error');
const consoleView = document.querySelector('#console');
const list = document.querySelector('#conversations');
const chat = document.querySelector('#chat');
const pick = document.querySelector('#pick');

let token;
let selected;

signIn.addEventListener('submit', async event => {
  event.preventDefault();
  const form = new FormData(signIn);
  const response = await fetch('/users/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
  });
  if (!response.ok) {
    signInError.textContent = 'That email and password do not match an agent account.';
    return;
  }
  token = (await response.json()).token;
  chat.tokenProvider = () => token;
  signIn.hidden = true;
  consoleView.hidden = false;
  await refresh();
  setInterval(refresh, REFRESH_MS);
});

async function refresh() {
  const response = await fetch('/groups', { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) return;
  const { groups } = await response.json();
  list.replaceChildren(...groups.map(renderConversation));
}

function renderConversation(group) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.group = String(group.id);
  button.setAttribute('aria-current', String(String(group.id) === selected));
  const name = document.createElement('strong');
  name.textContent = group.name;
  const last = document.createElement('span');
  last.textContent = group.lastMessage ?? 'No messages yet';
  button.append(name, last);
  button.addEventListener('click', () => open(String(group.id), group.name));
  item.append(button);
  return item;
}

function open(groupId, name) {
  selected = groupId;
  chat.heading = name;
  chat.group = groupId;
  chat.hidden = false;
  pick.hidden = true;
  for (const button of list.querySelectorAll('button')) {
    button.setAttribute('aria-current', String(button.dataset.group === groupId));
  }
}

chat.addEventListener('support-chat-message', () => refresh());
