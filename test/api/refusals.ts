/**
 * Helpers for the hostile-input tests: what the store holds (every kind), and
 * the shape every refusal must have (a 4xx with Kuma's error body).
 */
import assert from 'node:assert/strict';
import { kindRegistry } from '../../src/cp/catalogue.js';
import type { ResourceStore } from '../../src/store/index.js';

/** Every stored resource of every kind, as text: equal before and after means nothing was written. */
export async function storeContents(store: ResourceStore): Promise<string> {
  const all = [];
  for (const kind of kindRegistry.kinds) {
    const page = await store.list({ kind: kind.name, offset: 0, limit: 10_000 });
    all.push(...page.items.map((r) => ({ kind: r.kind, mesh: r.mesh, name: r.name, version: r.version })));
  }
  return JSON.stringify(all);
}

export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

export interface ErrorBody {
  readonly type: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly invalid_parameters?: readonly { field: string; reason: string }[];
}

/** Asserts a 4xx in Kuma's error format with the same status in the body; returns the body. */
export function assertRefusal(answer: Answer, status?: number): ErrorBody {
  assert.ok(
    answer.statusCode >= 400 && answer.statusCode < 500,
    `expected a 4xx, got ${answer.statusCode}: ${answer.body.slice(0, 300)}`,
  );
  if (status !== undefined) assert.equal(answer.statusCode, status, answer.body.slice(0, 300));
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  const body = JSON.parse(answer.body) as ErrorBody;
  assert.equal(body.type, '/std-errors');
  assert.equal(body.status, answer.statusCode);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  return body;
}

/** Asserts a 400 whose invalid parameters are exactly `expected`. */
export function assertInvalid(answer: Answer, expected: readonly { field: string; reason: string }[]): void {
  assert.deepEqual(assertRefusal(answer, 400).invalid_parameters, expected);
}
