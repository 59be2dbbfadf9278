/**
 * How `koguma get` prints resources: an aligned table for people, or YAML and
 * JSON for programs. YAML output is a stream of documents that `koguma apply`
 * accepts as it is (the server ignores the server-set fields it contains).
 */
import type { CliKind } from './kind-catalogue.js';
import { columnsFor, tableRows, type ResourceDocument } from './columns.js';
import { yaml } from './lazy-yaml.js';
import { formatTable } from './table.js';

export const OUTPUT_FORMATS = ['table', 'yaml', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One YAML document per resource, separated by `---`. */
export function renderYaml(documents: readonly ResourceDocument[]): string {
  // lineWidth 0: never fold long strings (certificates, base64), so the text
  // stays greppable and byte-for-byte what the server holds.
  return documents.map((document) => yaml().stringify(document, { lineWidth: 0 })).join('---\n');
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function renderTable(kind: CliKind, documents: readonly ResourceDocument[], now: Date): string {
  const columns = columnsFor(kind);
  return formatTable(
    columns.map((c) => c.header),
    tableRows(columns, documents, now),
  );
}

/** A single resource, in the chosen format. */
export function renderOne(kind: CliKind, document: ResourceDocument, format: OutputFormat, now: Date): string {
  if (format === 'json') return renderJson(document);
  if (format === 'yaml') return renderYaml([document]);
  return renderTable(kind, [document], now);
}

/** A list, in the chosen format; JSON keeps the server's list shape `{total, items}`. */
export function renderList(
  kind: CliKind,
  documents: readonly ResourceDocument[],
  format: OutputFormat,
  now: Date,
): string {
  if (format === 'json') return renderJson({ total: documents.length, items: documents });
  if (format === 'yaml') return renderYaml(documents);
  return renderTable(kind, documents, now);
}
