/**
 * For the kinds' schema tests: validate a document as the REST API does and
 * assert it is accepted as given, or refused naming exactly the given fields.
 */
import assert from 'node:assert/strict';
import { KogumaError, type InvalidParameter } from '../errors.js';
import { KindRegistry } from '../registry.js';
import { validateDocument, type ValidDocument } from '../validate.js';
import { coreKinds } from './index.js';

const registry = new KindRegistry(coreKinds);

/** Accepted, with its spec stored exactly as given. */
export function expectAccepted(document: Record<string, unknown>): ValidDocument {
  const valid = validateDocument(registry, document);
  if ('spec' in document) assert.deepEqual(valid.draft.spec, document['spec']);
  return valid;
}

/** Refused as InvalidInput; returns what was refused. */
export function refusalOf(document: Record<string, unknown>): readonly InvalidParameter[] {
  try {
    validateDocument(registry, document);
  } catch (error) {
    assert.ok(error instanceof KogumaError, String(error));
    assert.equal(error.code, 'InvalidInput');
    return error.invalidParameters;
  }
  assert.fail('expected the document to be refused');
}

/** Refused naming exactly these fields (reasons checked to be non-empty). */
export function expectRefusedAt(
  document: Record<string, unknown>,
  fields: readonly string[],
): readonly InvalidParameter[] {
  const issues = refusalOf(document);
  assert.deepEqual(
    issues.map((i) => i.field),
    fields,
    JSON.stringify(issues),
  );
  for (const issue of issues) assert.ok(issue.reason.length > 0);
  return issues;
}
