import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { renderResourceReference } from '../../src/api/reference.js';

const docPath = new URL('../../../docs/resources.md', import.meta.url);

test('docs/resources.md is the reference rendered from the current schemas', () => {
  const rendered = renderResourceReference(kindRegistry);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(docPath, rendered);
  assert.equal(
    readFileSync(docPath, 'utf8'),
    rendered,
    'run UPDATE_GOLDEN=1 npm test and review the diff of docs/resources.md',
  );
});

test('the reference lists every field of a kind with its type', () => {
  const rendered = renderResourceReference(kindRegistry);
  assert.match(rendered, /\| `networking\.inbound\[\]\.port` \| port \| yes \|/);
  assert.match(rendered, /\| `spec\.to\[\]\.default\.http\.requestTimeout` \| duration \|/);
  assert.match(rendered, /\| `mtls\.backends\[\]\.type` \| `builtin` \\\| `provided` \| yes \|/);
});
