/**
 * The resource reference (docs/resources.md), rendered from the kind schemas so
 * the documentation cannot drift from what the API accepts. A test compares the
 * committed file with this output; `UPDATE_GOLDEN=1 npm test` rewrites it.
 */
import type { KindDescriptor } from './kind.js';
import type { KindRegistry } from './registry.js';
import { documentSchema } from './document.js';

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
};

function typeOf(schema: Schema): string {
  if (schema.anyOf?.every((s) => s.const !== undefined)) return schema.anyOf.map((s) => `\`${String(s.const)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.type === 'string' && typeof schema.errorMessage === 'string' && schema.errorMessage.includes('duration')) return 'duration';
  if (schema.type === 'integer' && schema.maximum === 65535) return 'port';
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'object' && schema.patternProperties) return 'map of string';
  if (schema.type === 'object' && schema.properties && Object.keys(schema.properties).length === 0 && typeof schema.additionalProperties === 'object')
    return 'map';
  return schema.type ?? 'any';
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
      description: (child.description ?? '').replace(/\|/g, '\\|'),
    });
    if (!child.anyOf) walk(child, path);
  }
}

function renderKind(kind: KindDescriptor): string {
  const rows: FieldRow[] = [];
  rowsOf(documentSchema(kind) as unknown as Schema, '', rows);
  const path = kind.scope === 'Global' ? `/${kind.plural}/{name}` : `/meshes/{mesh}/${kind.plural}/{name}`;
  const facts = [
    `- REST: \`${path}\`${kind.scope === 'Mesh' ? `, across meshes \`/${kind.plural}\`` : ''}`,
    `- CLI: \`koguma get ${kind.plural}\` (also \`${kind.name.toLowerCase()}\`, \`${kind.shortName}\`)`,
    `- Scope: ${kind.scope}; shape: ${kind.shape === 'flat' ? 'flat (fields beside the metadata)' : 'enveloped (fields under `spec`)'}`,
  ];
  if (kind.policy) {
    const sections = [
      kind.policy.hasToTargetRef ? '`to`' : '',
      kind.policy.hasFromTargetRef ? '`from`' : '',
      kind.policy.hasRulesTargetRef ? '`rules`' : '',
    ].filter(Boolean);
    facts.push(`- Policy order: ${kind.policy.order}${sections.length > 0 ? `; sections: ${sections.join(', ')}` : ''}`);
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
    ...toc,
    '',
    ...registry.kinds.map(renderKind),
  ].join('\n');
}
