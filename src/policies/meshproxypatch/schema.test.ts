import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectIssues, expectRejected, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshProxyPatch', spec, 'custom-template-1');

const patching = (...appendModifications: unknown[]) => ({
  targetRef: { kind: 'Dataplane', labels: { app: 'backend' } },
  default: { appendModifications },
});
const at = 'spec.default.appendModifications';

test('a Kuma-style MeshProxyPatch touching every resource kind validates unchanged', () => {
  const spec = patching(
    { cluster: { operation: 'Add', value: 'name: test-cluster\nconnectTimeout: 5s\ntype: STATIC\n' } },
    { cluster: { match: { name: 'test-cluster' }, operation: 'Patch', value: 'connectTimeout: 10s\n' } },
    {
      listener: {
        match: { origin: 'inbound', tags: { 'kuma.io/service': 'backend' } },
        operation: 'Patch',
        jsonPatches: [{ op: 'replace', path: '/continueOnListenerFiltersTimeout', value: true }],
      },
    },
    {
      networkFilter: {
        match: { name: 'envoy.filters.network.tcp_proxy', listenerName: 'inbound:10.0.0.1:8080' },
        operation: 'AddBefore',
        value: 'name: envoy.filters.network.local_ratelimit\n',
      },
    },
    {
      httpFilter: {
        match: { name: 'envoy.filters.http.router', origin: 'outbound' },
        operation: 'Patch',
        jsonPatches: [{ op: 'add', path: '/typedConfig/dynamicStats', value: false }],
      },
    },
    { httpFilter: { operation: 'AddFirst', value: 'name: envoy.filters.http.gzip\n' } },
    {
      virtualHost: {
        match: { routeConfigurationName: 'outbound:backend' },
        operation: 'Add',
        value: 'name: extra\ndomains: ["*"]\n',
      },
    },
    { virtualHost: { match: { name: 'backend' }, operation: 'Remove' } },
  );
  expectValidAsGiven(documentOf(spec));
});

test('a modification must name exactly one resource kind', () => {
  expectIssues(documentOf(patching({ cluster: { operation: 'Remove' }, listener: { operation: 'Remove' } }, {})), [
    {
      field: `${at}[0]`,
      reason: 'must set exactly one of cluster, listener, networkFilter, httpFilter, virtualHost; 2 are set',
    },
    {
      field: `${at}[1]`,
      reason: 'must set exactly one of cluster, listener, networkFilter, httpFilter, virtualHost; 0 are set',
    },
  ]);
});

test('operations are limited per resource kind', () => {
  expectIssues(documentOf(patching({ cluster: { operation: 'AddFirst', value: 'name: x' } })), [
    { field: `${at}[0].cluster.operation`, reason: 'must be one of: Add, Remove, Patch' },
  ]);
  expectIssues(documentOf(patching({ httpFilter: { operation: 'Add', value: 'name: x' } })), [
    {
      field: `${at}[0].httpFilter.operation`,
      reason: 'must be one of: Remove, Patch, AddFirst, AddBefore, AddAfter, AddLast',
    },
  ]);
});

test('Add takes a value and no match', () => {
  expectIssues(documentOf(patching({ listener: { match: { name: 'inbound:x' }, operation: 'Add' } })), [
    { field: `${at}[0].listener.match`, reason: 'must not be set when operation is Add' },
    { field: `${at}[0].listener.value`, reason: 'is required when operation is Add' },
  ]);
});

test('Patch takes exactly one of value or jsonPatches', () => {
  expectIssues(documentOf(patching({ cluster: { operation: 'Patch' } })), [
    { field: `${at}[0].cluster`, reason: 'must set one of value or jsonPatches when operation is Patch' },
  ]);
  const both = {
    cluster: {
      operation: 'Patch',
      value: 'connectTimeout: 1s',
      jsonPatches: [{ op: 'remove', path: '/connectTimeout' }],
    },
  };
  expectIssues(documentOf(patching(both)), [
    { field: `${at}[0].cluster`, reason: 'must set only one of value or jsonPatches' },
  ]);
});

test('patching or positioning a filter needs the name of an existing filter', () => {
  expectIssues(
    documentOf(
      patching(
        { networkFilter: { operation: 'AddAfter', value: 'name: x' } },
        { httpFilter: { operation: 'Patch', value: 'name: y' } },
      ),
    ),
    [
      { field: `${at}[0].networkFilter.match.name`, reason: 'is required to pick the filter to add after' },
      { field: `${at}[1].httpFilter.match.name`, reason: 'is required to pick the filter to patch' },
    ],
  );
});

test('Remove takes no value, and a value must be a YAML object', () => {
  expectIssues(documentOf(patching({ cluster: { match: { name: 'a' }, operation: 'Remove', value: 'name: a' } })), [
    { field: `${at}[0].cluster.value`, reason: 'must not be set when operation is Remove' },
  ]);
  expectIssues(documentOf(patching({ cluster: { operation: 'Add', value: '- just\n- a list' } })), [
    { field: `${at}[0].cluster.value`, reason: 'must be an Envoy resource written as a YAML object' },
  ]);
});

test('JSON patches need valid ops, pointers and the operands their op uses', () => {
  const patches = (...jsonPatches: unknown[]) => patching({ cluster: { operation: 'Patch', jsonPatches } });
  expectIssues(documentOf(patches({ op: 'test', path: '/a' }, { op: 'add', path: 'a', value: 1 })), [
    { field: `${at}[0].cluster.jsonPatches[0].op`, reason: 'must be one of: add, remove, replace, move, copy' },
    { field: `${at}[0].cluster.jsonPatches[1].path`, reason: 'must be a JSON pointer starting with /' },
  ]);
  expectIssues(documentOf(patches({ op: 'copy', path: '/a' }, { op: 'replace', path: '/b' })), [
    { field: `${at}[0].cluster.jsonPatches[0].from`, reason: 'is required for copy' },
    { field: `${at}[0].cluster.jsonPatches[1].value`, reason: 'is required for replace' },
  ]);
});

test('appendModifications must not be empty and default is required', () => {
  expectIssues(documentOf(patching()), [{ field: at, reason: 'must have at least 1 item' }]);
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.default', reason: 'is required' }]);
});

test('a value must read as the Envoy message its target holds, or the policy is refused when applied', () => {
  const issues = expectRejected(
    documentOf(
      patching(
        { cluster: { operation: 'Add', value: 'name: c\nconnectTimeout: soon\n' } },
        { httpFilter: { operation: 'AddFirst', value: 'name: f\nnoSuchField: 1\n' } },
        {
          virtualHost: {
            operation: 'Add',
            value: 'name: v\ntypedPerFilterConfig: { x: { "@type": type.googleapis.com/not.a.Type } }\n',
          },
        },
      ),
    ),
  );
  assert.deepEqual(
    issues.map((issue) => issue.field),
    [`${at}[0].cluster.value`, `${at}[1].httpFilter.value`, `${at}[2].virtualHost.value`],
  );
  assert.match(
    issues[0]!.reason,
    /^is not a valid envoy\.config\.cluster\.v3\.Cluster: cannot decode message google\.protobuf\.Duration from JSON: "soon"/,
  );
  assert.match(
    issues[1]!.reason,
    /^is not a valid envoy\.extensions\.filters\.network\.http_connection_manager\.v3\.HttpFilter: .*noSuchField/,
  );
  assert.match(issues[2]!.reason, /not\.a\.Type/);
});

test('a typed config of any generated Envoy type is accepted in a value', () => {
  expectValidAsGiven(
    documentOf(
      patching({
        networkFilter: {
          operation: 'AddFirst',
          value:
            'name: envoy.filters.network.local_ratelimit\ntyped_config:\n  "@type": type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit\n  stat_prefix: limit\n',
        },
      }),
    ),
  );
});
