/**
 * The resource reference (docs/resources.md), rendered from the kind schemas so
 * the documentation cannot drift from what the API accepts. A test compares the
 * committed file with this output; `UPDATE_GOLDEN=1 npm test` rewrites it.
 */
import type { KindDescriptor } from './kind.js';
import type { KindRegistry } from './registry.js';
import { documentSchema } from './document.js';
import {
  ANY_CASE_HEADER_NAME_PATTERN,
  HEADER_NAME_PATTERN,
  HEADER_VALUE_PATTERN,
  MESH_NAME_PATTERN,
  MODIFIABLE_HEADER_NAME_PATTERN,
  NAME_PATTERN,
  REFERENCE_NAME_PATTERN,
} from './primitives.js';

/** String primitives by their pattern, named in the type column and explained in the page's legend. */
const NAMED_STRINGS: readonly { pattern: string; type: string; rule: string }[] = [
  {
    pattern: NAME_PATTERN,
    type: 'name',
    rule: 'at most 253 lower case letters, digits, "-" and ".", starting and ending with a letter or digit',
  },
  { pattern: MESH_NAME_PATTERN, type: 'mesh name', rule: 'a `name` without dots (a proxy is named `<mesh>.<name>`)' },
  {
    pattern: REFERENCE_NAME_PATTERN,
    type: 'reference',
    rule: 'the name of another resource: at most 253 lower case letters, digits, "-", "." and "_"',
  },
  {
    pattern: HEADER_NAME_PATTERN,
    type: 'header name',
    rule: 'lower case RFC 7230 token characters; where a header is set, added or removed, not `host`',
  },
  { pattern: MODIFIABLE_HEADER_NAME_PATTERN, type: 'header name', rule: '' },
  {
    pattern: ANY_CASE_HEADER_NAME_PATTERN,
    type: 'header name (any case)',
    rule: 'RFC 7230 token characters in any case',
  },
  { pattern: HEADER_VALUE_PATTERN, type: 'header value', rule: 'no control character but tab: no NUL, CR or LF' },
];

interface FieldRow {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  description?: string;
  errorMessage?: string;
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
};

function typeOf(schema: Schema): string {
  if (schema.anyOf?.every((s) => s.const !== undefined))
    return schema.anyOf.map((s) => `\`${String(s.const)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.type === 'string' && typeof schema.errorMessage === 'string' && schema.errorMessage.includes('duration'))
    return 'duration';
  const named = schema.type === 'string' ? NAMED_STRINGS.find((s) => s.pattern === schema['pattern']) : undefined;
  if (named) return named.type;
  if (schema.type === 'integer' && schema.maximum === 65535) return 'port';
  if (
    (schema.type === 'integer' || schema.type === 'number') &&
    (schema.minimum !== undefined || schema.maximum !== undefined)
  )
    return `${schema.type} ${String(schema.minimum ?? '')}..${String(schema.maximum ?? '')}`;
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'object' && schema.patternProperties) return 'map of string';
  if (
    schema.type === 'object' &&
    schema.properties &&
    Object.keys(schema.properties).length === 0 &&
    typeof schema.additionalProperties === 'object'
  )
    return 'map';
  return schema.type ?? 'any';
}

/** The description, and the default a write fills in when the schema declares one. */
function describe(schema: Schema): string {
  const text = schema.description ?? '';
  if (schema.default === undefined) return text;
  const filled = `Filled in on write when absent: ${JSON.stringify(schema.default)}.`;
  return text === '' ? filled : `${text} ${filled}`;
}

function rowsOf(schema: Schema, prefix: string, rows: FieldRow[]): void {
  const walk = (s: Schema, path: string) => {
    if (s.type === 'array' && s.items) return walk(s.items, `${path}[]`);
    if (s.type === 'object' && s.properties) rowsOf(s, path, rows);
  };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    rows.push({
      path,
      type: typeOf(child),
      required: schema.required?.includes(name) ?? false,
      description: describe(child).replace(/\|/g, '\\|'),
    });
    if (!child.anyOf) walk(child, path);
  }
}

function renderKind(kind: KindDescriptor): string {
  const rows: FieldRow[] = [];
  rowsOf(documentSchema(kind) as unknown as Schema, '', rows);
  const path = kind.scope === 'Global' ? `/${kind.plural}/{name}` : `/meshes/{mesh}/${kind.plural}/{name}`;
  const others = [kind.name.toLowerCase(), ...(kind.pathAliases ?? []), kind.shortName].filter((a) => a !== '');
  const facts = [
    `- REST: \`${path}\`${kind.scope === 'Mesh' ? `, across meshes \`/${kind.plural}\`` : ''}${(kind.pathAliases ?? []).map((a) => `, also \`/${a}\``).join('')}`,
    `- CLI: \`koguma get ${kind.plural}\` (also ${others.map((a) => `\`${a}\``).join(', ')})`,
    ...(kind.readOnly ? ['- Read-only: written by the control plane; REST writes are refused with 405'] : []),
    `- Scope: ${kind.scope}; shape: ${kind.shape === 'flat' ? 'flat (fields beside the metadata)' : 'enveloped (fields under `spec`)'}`,
  ];
  if (kind.policy) {
    const sections = [
      kind.policy.hasToTargetRef ? '`to`' : '',
      kind.policy.hasFromTargetRef ? '`from`' : '',
      kind.policy.hasRulesTargetRef ? '`rules`' : '',
    ].filter(Boolean);
    facts.push(
      `- Policy order: ${kind.policy.order}${sections.length > 0 ? `; sections: ${sections.join(', ')}` : ''}`,
    );
  }
  const table = [
    '| field | type | required | description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.description} |`),
  ];
  return [`## ${kind.name}`, '', ...facts, '', ...table, ''].join('\n');
}

export function renderResourceReference(registry: KindRegistry): string {
  const toc = registry.kinds.map((k) => `- [${k.name}](#${k.name.toLowerCase()})`);
  return [
    '# Resource reference',
    '',
    'Generated from the schemas the API validates with (`src/api/reference.ts`); do not edit by hand.',
    'Unknown fields are rejected. `creationTime`, `modificationTime` and `status` are set by the',
    'server and ignored on input, so a document read from the API can be applied again.',
    '',
    'Types:',
    '',
    '- `integer a..b`: a whole number from a to b (Envoy keeps most counts and weights as 32-bit integers)',
    '- `duration`: like `15s`, `1m30s` or `250ms`, at most `2562047h`',
    '- `port`: 1 to 65535',
    ...NAMED_STRINGS.filter((s) => s.rule !== '').map((s) => `- \`${s.type}\`: ${s.rule}`),
    '',
    'No string may contain the NUL character; the limits on the size and depth of documents are in',
    '[api.md](api.md#limits).',
    '',
    ...toc,
    '',
    ...registry.kinds.map(renderKind),
  ].join('\n');
}
