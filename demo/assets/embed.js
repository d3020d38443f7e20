// One <support-chat>, inline, with the attributes the query string names: a playground for trying the
// attributes, and the page the scale-out tests load through each balancer.
// /embed.html?hub-url=/hubs/groupchat&token-url=/visitors&skip-negotiation
const ATTRIBUTES = new Set([
  'hub-url',
  'group',
  'api-url',
  'token-url',
  'heading',
  'placeholder',
  'transport',
  'skip-negotiation',
  'request-timeout',
  'lang',
]);

const chat = document.createElement('support-chat');
chat.setAttribute('mode', 'inline');
chat.setAttribute('hub-url', '/hubs/groupchat');
chat.setAttribute('token-url', '/visitors');
for (const [name, value] of new URLSearchParams(location.search)) {
  if (ATTRIBUTES.has(name)) chat.setAttribute(name, value);
}
document.body.append(chat);
