/**
 * The local half of `koguma apply`: every parsed document is validated with
 * the same schemas the server uses, duplicates are caught, and the order of
 * writes is fixed (meshes before what lives in them). Nothing here talks to the
 * server, so a document set with any problem is rejected before a single read.
 */
import { isKogumaError, validateDocument, type KindDescriptor, type KindRegistry } from '../api/index.js';
import type { SourceDocument } from './documents.js';

export interface PlannedDocument {
  /** `file#index`, for messages. */
  readonly at: string;
  readonly kind: KindDescriptor;
  /** '' for global kinds. */
  readonly mesh: string;
  readonly name: string;
  readonly document: Record<string, unknown>;
}

const textOf = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value : fallback;

/** `<Kind> <name>` as far as a possibly broken document tells it. */
function identify(value: unknown): string {
  const record =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return `${textOf(record['type'], '<no type>')} ${textOf(record['name'], '<no name>')}`;
}

/**
 * Validates every document. Problems read `<file>#<index> <Kind> <name>: <field>: <reason>`,
 * one per rejected field, for all documents at once.
 */
export function validateAll(
  registry: KindRegistry,
  documents: readonly SourceDocument[],
): { valid: PlannedDocument[]; problems: string[] } {
  const valid: PlannedDocument[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const source of documents) {
    const at = `${source.source}#${source.index}`;
    try {
      const { kind, draft } = validateDocument(registry, source.value);
      if (kind.readOnly) {
        // The server would refuse it (405) after earlier documents were written.
        problems.push(`${at} ${kind.name} ${draft.name}: type: ${kind.name} is read-only`);
        continue;
      }
      const key = `${kind.name}/${draft.mesh}/${draft.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`${at} ${kind.name} ${draft.name}: name: is also defined at ${first}`);
        continue;
      }
      seen.set(key, at);
      valid.push({ at, kind, mesh: draft.mesh, name: draft.name, document: source.value as Record<string, unknown> });
    } catch (error) {
      if (!isKogumaError(error, 'InvalidInput')) throw error;
      const issues =
        error.invalidParameters.length > 0 ? error.invalidParameters : [{ field: 'document', reason: error.message }];
      for (const issue of issues) problems.push(`${at} ${identify(source.value)}: ${issue.field}: ${issue.reason}`);
    }
  }
  return { valid, problems };
}

/** Meshes first (a resource's mesh must exist before it), otherwise the order given. */
export function applyOrder(documents: readonly PlannedDocument[]): PlannedDocument[] {
  return [...documents.filter((d) => d.kind.name === 'Mesh'), ...documents.filter((d) => d.kind.name !== 'Mesh')];
}
