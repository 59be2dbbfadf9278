/**
 * Policy documents for the schema tests (`src/policies/<kind>/schema.test.ts`):
 * build a document as a user would apply it, then assert that the validation
 * pipeline the REST API uses accepts it, or rejects it as InvalidInput naming
 * exactly the given fields.
 *
 * Loads the kind registry and nothing of xDS: schema tests import this module
 * alone (see index.ts).
 */
import assert from 'node:assert/strict';
import { KogumaError, validateDocument, type InvalidParameter, type ValidDocument } from '../../../api/index.js';
import { kindRegistry } from '../../../cp/catalogue.js';

export interface PolicyDocument {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  readonly spec: unknown;
}

/** A policy document in mesh `default`, as a user would apply it. */
export const policyDocument = (kind: string, spec: unknown, name: string): PolicyDocument => ({
  type: kind,
  mesh: 'default',
  name,
  spec,
});

/** What a kind's first test pins about its descriptor. */
export interface KindFacts {
  readonly name: string;
  readonly shortName: string;
  readonly order: number;
}

/** Validates a document that must be accepted; returns its kind and draft. */
export function expectValid(document: PolicyDocument): ValidDocument {
  return validateDocument(kindRegistry, document);
}

/** Accepted, with the spec stored exactly as given (and, when named, the kind's facts). */
export function expectValidAsGiven(document: PolicyDocument, facts?: KindFacts): ValidDocument {
  const valid = expectValid(document);
  if (facts) {
    assert.equal(valid.kind.name, facts.name);
    assert.equal(valid.kind.shortName, facts.shortName);
    assert.equal(valid.kind.policy?.order, facts.order);
  }
  assert.deepEqual(valid.draft.spec, document.spec);
  return valid;
}

/** Rejected as InvalidInput with exactly these issues, in this order. */
export function expectIssues(document: PolicyDocument, issues: readonly InvalidParameter[]): void {
  assert.deepEqual(expectRejected(document), issues);
}

/** Rejected as InvalidInput; returns the issues, for tests that look at them one by one. */
export function expectRejected(document: PolicyDocument): readonly InvalidParameter[] {
  try {
    validateDocument(kindRegistry, document);
  } catch (error) {
    assert.ok(error instanceof KogumaError);
    assert.equal(error.code, 'InvalidInput');
    return error.invalidParameters;
  }
  assert.fail('expected the document to be rejected');
}
