// Lists the REST endpoints from the server's OpenAPI document, built with textContent only (the page
// runs under the demo's strict Content Security Policy).
const container = document.querySelector('#endpoints');

const element = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

function schemaName(content) {
  const schema = content?.['application/json']?.schema;
  if (!schema) return undefined;
  return schema.$ref ? schema.$ref.split('/').at(-1) : schema.type;
}

const response = await fetch('/openapi/v1.json');
const document_ = await response.json();
container.replaceChildren();
for (const [path, operations] of Object.entries(document_.paths)) {
  for (const [method, operation] of Object.entries(operations)) {
    const section = element('section', undefined, 'endpoint');
    const heading = element('h2');
    heading.append(element('span', method.toUpperCase(), `method ${method}`), element('code', path));
    section.append(heading);
    if (operation.summary) section.append(element('p', operation.summary));
    if (operation.description) section.append(element('p', operation.description, 'description'));
    const body = schemaName(operation.requestBody?.content);
    if (body) section.append(element('p', `Body: ${body}`, 'detail'));
    const answers = Object.entries(operation.responses ?? {}).map(
      ([status, answer]) => `${status}${schemaName(answer.content) ? ` ${schemaName(answer.content)}` : ''}`,
    );
    section.append(element('p', `Answers: ${answers.join(', ')}`, 'detail'));
    container.append(section);
  }
}
