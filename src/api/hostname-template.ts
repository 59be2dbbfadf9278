/**
 * The template language of HostnameGenerator `spec.template`: the part of Go's
 * text/template that Kuma's hostname templates use, and nothing else.
 *
 *   text             copied as it is
 *   {{ .Field }}     Name, DisplayName, Namespace, Mesh or Zone of the service
 *   {{ label "k" }}  the service's label k (a raw `k` string too); a missing
 *                    label fails the rendering
 *   {{/* note *\/}}   a comment
 *   {{- and -}}      trim the white space before / after the action
 *
 * Anything else (pipelines, other functions, variables, control structures)
 * is refused when parsing, so a template can only ever read those values:
 * no code runs. Parsing is one pass over the text.
 */

export const HOSTNAME_TEMPLATE_FIELDS = ['Name', 'DisplayName', 'Namespace', 'Mesh', 'Zone'] as const;
export type HostnameTemplateField = (typeof HOSTNAME_TEMPLATE_FIELDS)[number];

/** What a template is rendered with: a value for each field it may read. */
export interface HostnameTemplateValues {
  readonly fields: Readonly<Record<string, string>>;
  /** The service's label, or undefined when it has none of that key. */
  readonly label: (key: string) => string | undefined;
}

type Part = { readonly text: string } | { readonly field: string } | { readonly label: string };

export interface HostnameTemplate {
  readonly parts: readonly Part[];
}

export type Parsed = { readonly template: HostnameTemplate } | { readonly error: string };
export type Rendered = { readonly hostname: string } | { readonly error: string };

const SPACE = /[ \t\r\n]/;

/** A quoted ("..." with \\ \" \n \t escapes) or raw (`...`) string at the start of `source`. */
function stringLiteral(source: string): { value: string; rest: string } | string {
  if (source.startsWith('`')) {
    const end = source.indexOf('`', 1);
    return end < 0 ? 'unterminated raw string' : { value: source.slice(1, end), rest: source.slice(end + 1) };
  }
  if (!source.startsWith('"')) return 'label takes one string argument';
  let value = '';
  for (let i = 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"') return { value, rest: source.slice(i + 1) };
    if (c === '\n') return 'unterminated quoted string';
    if (c !== '\\') {
      value += c;
      continue;
    }
    const escaped = source[++i];
    const known: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t' };
    if (escaped === undefined || known[escaped] === undefined) return `unsupported escape \\${escaped ?? ''}`;
    value += known[escaped];
  }
  return 'unterminated quoted string';
}

/** One action's inside, trimmed: a field, a label call, or a comment (null). */
function action(inside: string, fields: readonly string[]): Part | null | string {
  if (inside.startsWith('/*')) return inside.endsWith('*/') ? null : 'unclosed comment';
  if (inside.startsWith('.')) {
    const name = inside.slice(1);
    if (fields.includes(name)) return { field: name };
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
      ? `can't evaluate field ${name}: the fields are ${fields.join(', ')}`
      : `unexpected "${inside}" in action: only .Field and label "key" are supported`;
  }
  const call = /^label(?=[ \t\r\n])/.exec(inside);
  if (call) {
    const argument = stringLiteral(inside.slice(call[0].length).trimStart());
    if (typeof argument === 'string') return argument;
    if (argument.rest.trim() !== '') return 'label takes exactly one argument';
    return { label: argument.value };
  }
  if (inside === '') return 'missing value for command';
  const word = /^[^ \t\r\n(|]*/.exec(inside)?.[0] ?? inside;
  return `function "${word}" not defined: only .Field and label "key" are supported`;
}

/**
 * Parses a template; the error says where (1-based line:column) and what is
 * wrong. `fields` are the names `.Field` may read: a service's by default
 * (MeshIdentity's SPIFFE ID templates read others, in the same language).
 */
export function parseHostnameTemplate(source: string, fields: readonly string[] = HOSTNAME_TEMPLATE_FIELDS): Parsed {
  const parts: Part[] = [];
  let text = '';
  let trimNext = false;
  let i = 0;
  const where = (offset: number): string => {
    const before = source.slice(0, offset).split('\n');
    return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
  };
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    const chunk = open < 0 ? source.slice(i) : source.slice(i, open);
    text += trimNext ? chunk.replace(/^[ \t\r\n]+/, '') : chunk;
    trimNext = false;
    if (open < 0) break;
    let start = open + 2;
    if (source[start] === '-' && SPACE.test(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    const close = source.indexOf('}}', start);
    if (close < 0) return { error: `${where(open)}: unclosed action` };
    let end = close;
    if (source[close - 1] === '-' && SPACE.test(source[close - 2] ?? '') && close - 2 >= start) {
      trimNext = true;
      end = close - 2;
    }
    const part = action(source.slice(start, end).trim(), fields);
    if (typeof part === 'string') return { error: `${where(open)}: ${part}` };
    if (part !== null) {
      if (text !== '') parts.push({ text });
      text = '';
      parts.push(part);
    }
    i = close + 2;
  }
  if (text !== '') parts.push({ text });
  return { template: { parts } };
}

/** Renders a parsed template; a label the service does not carry is an error, as in Kuma. */
export function renderHostnameTemplate(template: HostnameTemplate, values: HostnameTemplateValues): Rendered {
  let hostname = '';
  for (const part of template.parts) {
    if ('text' in part) hostname += part.text;
    else if ('field' in part) hostname += values.fields[part.field] ?? '';
    else {
      const value = values.label(part.label);
      if (value === undefined) return { error: `label ${part.label} not found` };
      hostname += value;
    }
  }
  return { hostname };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` is no DNS-1123 subdomain (lower case labels of [a-z0-9-], at most 253 characters), if it is not. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!name.split('.').every((label) => DNS_LABEL.test(label)))
    return "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

const STUB: HostnameTemplateValues = {
  fields: { Name: 'name', DisplayName: 'displayname', Namespace: 'namespace', Mesh: 'mesh', Zone: 'zone' },
  label: () => 'label',
};

/**
 * Why a template cannot be a HostnameGenerator's, if it cannot: empty, not
 * parsable, or not a DNS name once rendered with stand-in values.
 */
export function hostnameTemplateProblem(source: string): string | undefined {
  if (source === '') return 'must not be empty';
  const parsed = parseHostnameTemplate(source);
  if ('error' in parsed) return `couldn't parse template: ${parsed.error}`;
  const rendered = renderHostnameTemplate(parsed.template, STUB);
  if ('error' in rendered) return `couldn't render template with stub values: ${rendered.error}`;
  const problem = dns1123SubdomainProblem(rendered.hostname);
  return problem === undefined
    ? undefined
    : `template renders to "${rendered.hostname}" which is not a valid DNS name: ${problem}`;
}
