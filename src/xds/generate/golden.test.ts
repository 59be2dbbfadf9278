/**
 * Golden files of the base generators: every `testdata/<case>.input.json`
 * against `<case>.golden.json`, the protobuf-es JSON of each encoded resource
 * (its `Any`, so the bytes are decoded back), sorted by type then name.
 * A new case is one new input file; `UPDATE_GOLDEN=1 npm test` writes its golden.
 * Every resource must also pass the protoc-gen-validate rules Envoy enforces
 * before it accepts a resource (a violation would be a NACK).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { schemaOfType } from '../resource-types.js';
import { validateMessage } from '../validate/index.js';
import { generateProxyResources } from '../build/testing.js';
import { resourceJson } from './index.js';
import { caseNames, readCase, testdataDir } from './testing/cases.js';
import { expectGolden } from './testing/golden.js';

test('the golden cases are found', () => {
  assert.ok(caseNames().length >= 8, `expected input files in ${testdataDir}`);
});

for (const name of caseNames()) {
  test(`generator output for ${name} equals its golden file`, () => {
    const resources = generateProxyResources(readCase(name));
    expectGolden(join(testdataDir, `${name}.golden.json`), `${JSON.stringify(resources.map(resourceJson), null, 2)}\n`);
  });

  test(`every resource of ${name} passes Envoy's validation rules`, () => {
    for (const resource of generateProxyResources(readCase(name))) {
      assert.deepEqual(
        validateMessage(schemaOfType[resource.typeUrl], resource.message),
        [],
        `${resource.typeUrl} ${resource.name}`,
      );
    }
  });
}
