import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kindRegistry } from '../cp/catalogue.js';
import { catalogueOf, kindCatalogue, lookupOf, policyKinds } from './kind-catalogue.js';

test('the built catalogue is what the kind registry gives now (a stale build would show here)', () => {
  assert.deepEqual(kindCatalogue().kinds, catalogueOf(kindRegistry));
});

test('the catalogue resolves every spelling to the kind the registry resolves it to', () => {
  const lookup = lookupOf(catalogueOf(kindRegistry));
  for (const kind of kindRegistry.kinds) {
    for (const spelling of [kind.name, kind.name.toLowerCase(), kind.name.toUpperCase(), kind.plural, kind.shortName]) {
      assert.equal(lookup.resolve(spelling)?.name, kindRegistry.resolve(spelling)?.name, spelling);
    }
  }
  assert.equal(lookup.resolve('frobs'), undefined);
});

test('policy kinds come in the order their plugins apply, as the registry lists them', () => {
  assert.deepEqual(
    policyKinds(kindCatalogue()).map((kind) => kind.name),
    kindRegistry.policies.map((kind) => kind.name),
  );
});

test('tag filters are offered for the kinds the registry indexes by tag', () => {
  assert.deepEqual(
    kindCatalogue()
      .kinds.filter((kind) => kind.indexTags !== undefined)
      .map((kind) => kind.name),
    kindRegistry.kinds.filter((kind) => kind.indexTags !== undefined).map((kind) => kind.name),
  );
});
