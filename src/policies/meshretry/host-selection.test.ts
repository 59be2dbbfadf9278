// MeshRetry http.hostSelection in Envoy's terms: which retry plugins each
// predicate becomes, that the packed configs resolve and pass Envoy's PGV
// rules, and the golden JSON of a policy using all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { equals, toJson } from '@bufbuild/protobuf';
import { RetryPolicySchema, type RetryPolicy } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { buildRetryPolicy } from '../../xds/generate/builders/index.js';
import { typeFirst } from '../../xds/generate/index.js';
import { expectGolden, jsonText, srcPath } from '../core/testkit/golden.js';
import { envoyRegistry, validateMessage } from '../../xds/validate/index.js';
import { buildMeshRetryPolicy, envoyHttpRetry } from './retry-settings.js';
import type { MeshRetryConf } from './schema.js';

type HttpConf = NonNullable<MeshRetryConf['http']>;

const TYPE = {
  previousHosts: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  omitHostMetadata: 'type.googleapis.com/envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig',
  previousPriorities:
    'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig',
} as const;

const policyOf = (http: HttpConf): RetryPolicy => {
  const input = envoyHttpRetry(http);
  assert.ok(input, 'a retry policy');
  return buildMeshRetryPolicy(input);
};
const jsonOf = (policy: RetryPolicy): any => typeFirst(toJson(RetryPolicySchema, policy, { registry: envoyRegistry }));
const assertValid = (policy: RetryPolicy) => assert.deepEqual(validateMessage(RetryPolicySchema, policy), []);

const previousHosts = {
  name: 'envoy.retry_host_predicates.previous_hosts',
  typedConfig: { '@type': TYPE.previousHosts },
};

test('the host selection extensions resolve in the registry the validator and the JSON use', () => {
  for (const url of Object.values(TYPE)) assert.ok(envoyRegistry.getMessage(url.slice(url.indexOf('/') + 1)), url);
});

test('OmitPreviousHosts becomes the previous_hosts retry host predicate', () => {
  const policy = policyOf({ hostSelection: [{ predicate: 'OmitPreviousHosts' }] });
  assert.deepEqual(jsonOf(policy).retryHostPredicate, [previousHosts]);
  assert.equal(policy.retryPriority, undefined);
  assertValid(policy);
});

test('OmitHostsWithTags becomes omit_host_metadata matching the tags under envoy.lb, keys sorted', () => {
  const policy = policyOf({
    hostSelection: [{ predicate: 'OmitHostsWithTags', tags: { version: 'v1', 'kuma.io/zone': 'east' } }],
  });
  const [predicate] = jsonOf(policy).retryHostPredicate;
  assert.deepEqual(predicate, {
    name: 'envoy.retry_host_predicates.omit_host_metadata',
    typedConfig: {
      '@type': TYPE.omitHostMetadata,
      metadataMatch: { filterMetadata: { 'envoy.lb': { 'kuma.io/zone': 'east', version: 'v1' } } },
    },
  });
  assert.deepEqual(Object.keys(predicate.typedConfig.metadataMatch.filterMetadata['envoy.lb']), [
    'kuma.io/zone',
    'version',
  ]);
  assertValid(policy);
});

test('OmitPreviousPriorities becomes the previous_priorities retry priority, update frequency 2 unless given', () => {
  const given = policyOf({ hostSelection: [{ predicate: 'OmitPreviousPriorities', updateFrequency: 5 }] });
  assert.deepEqual(jsonOf(given).retryPriority, {
    name: 'envoy.retry_priorities.previous_priorities',
    typedConfig: { '@type': TYPE.previousPriorities, updateFrequency: 5 },
  });
  assert.equal(jsonOf(given).retryHostPredicate, undefined, 'no host predicate');
  const unset = policyOf({ hostSelection: [{ predicate: 'OmitPreviousPriorities' }] });
  assert.equal(jsonOf(unset).retryPriority.typedConfig.updateFrequency, 2);
  assertValid(given);
  assertValid(unset);
});

test('all predicates with hostSelectionMaxAttempts: host predicates in the order given, one priority, the attempts', () => {
  const policy = policyOf({
    numRetries: 3,
    hostSelection: [
      { predicate: 'OmitHostsWithTags', tags: { version: 'canary' } },
      { predicate: 'OmitPreviousPriorities', updateFrequency: 3 },
      { predicate: 'OmitPreviousHosts' },
    ],
    hostSelectionMaxAttempts: 4,
  });
  const json = jsonOf(policy);
  assert.deepEqual(
    json.retryHostPredicate.map((p: { name: string }) => p.name),
    ['envoy.retry_host_predicates.omit_host_metadata', 'envoy.retry_host_predicates.previous_hosts'],
  );
  assert.equal(json.retryPriority.typedConfig.updateFrequency, 3);
  assert.equal(json.hostSelectionRetryMaxAttempts, '4');
  assert.equal(json.numRetries, 3);
  assertValid(policy);
});

test("the packed configs are validated too: update_frequency 0 breaks Envoy's int32.gt rule", () => {
  // The schema rejects 0 (minimum 1); this builds around it to show the validator reaches inside the Any.
  const policy = policyOf({ hostSelection: [{ predicate: 'OmitPreviousPriorities', updateFrequency: 0 }] });
  assert.deepEqual(
    validateMessage(RetryPolicySchema, policy).map(({ path, rule }) => ({ path, rule })),
    [{ path: 'retry_priority.typed_config.update_frequency', rule: 'int32.gt' }],
  );
});

test("without hostSelection the policy is exactly the builder's", () => {
  const input = envoyHttpRetry({ numRetries: 2, retryOn: ['5xx'], hostSelectionMaxAttempts: 2 });
  assert.ok(input);
  assert.equal('hostSelection' in input, false, 'nothing added to the input, so the route edit keys stay as they were');
  assert.ok(equals(RetryPolicySchema, buildMeshRetryPolicy(input), buildRetryPolicy(input)));
});

test('numRetries 0 means no retry policy, host selection or not', () => {
  assert.equal(
    envoyHttpRetry({ numRetries: 0, hostSelection: [{ predicate: 'OmitHostsWithTags', tags: { version: 'v1' } }] }),
    undefined,
  );
});

test('host-selection-envoy: the retry policy equals its golden file', () => {
  const policy = policyOf({
    numRetries: 3,
    retryOn: ['5xx'],
    hostSelection: [
      { predicate: 'OmitPreviousHosts' },
      { predicate: 'OmitHostsWithTags', tags: { version: 'v1', 'kuma.io/zone': 'east' } },
      { predicate: 'OmitPreviousPriorities', updateFrequency: 2 },
    ],
    hostSelectionMaxAttempts: 3,
  });
  assertValid(policy);
  expectGolden(
    join(srcPath('src/policies/meshretry/testdata'), 'host-selection-envoy.golden.json'),
    jsonText(jsonOf(policy)),
  );
});
