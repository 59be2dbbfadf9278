/**
 * Values the engine or Envoy cannot use are refused when applied, with a 400
 * naming the field, instead of being stored and then failing every rebuild of
 * the proxies they select (docs/resources.md, "Types").
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { assertInvalid, assertRefusal, storeContents } from './refusals.js';

let api: TestApi;
let snapshot: string;

before(async () => {
  api = await startTestApi();
  snapshot = await storeContents(api.store);
});
afterEach(async () => {
  assert.equal(await storeContents(api.store), snapshot, 'a refused request changed the store');
});
after(() => api.close());

const MESH = { kind: 'Mesh' };
const plural = (type: string) => kindRegistry.byType(type)!.plural;
const policy = (type: string, spec: object, name = 'p') => ({ type, mesh: 'default', name, spec });
/** A document as the tests write it: its identity, and whatever else. */
type Doc = { readonly type: string; readonly name: string; readonly mesh?: string } & Record<string, unknown>;

const put = (document: Doc) =>
  api.app.inject({
    method: 'PUT',
    url:
      document.type === 'Mesh'
        ? `/meshes/${document.name}`
        : `/meshes/${document.mesh}/${plural(document.type)}/${document.name}`,
    payload: document,
  });

/** PUTs `document`, expects a 400 with exactly one invalid parameter: `field` and a reason matching `reason`. */
async function refused(document: Doc, field: string, reason: RegExp | string) {
  const body = assertRefusal(await put(document), 400);
  assert.equal(body.invalid_parameters?.length, 1, JSON.stringify(body.invalid_parameters));
  assert.equal(body.invalid_parameters?.[0]?.field, field);
  if (typeof reason === 'string') assert.equal(body.invalid_parameters?.[0]?.reason, reason);
  else assert.match(body.invalid_parameters?.[0]?.reason ?? '', reason);
}

/** PUTs `document`, expects it created, then deletes it so the store is as before. */
async function accepted(document: Doc) {
  const response = await put(document);
  assert.equal(response.statusCode, 201, response.body);
  const url =
    document.type === 'Mesh'
      ? `/meshes/${document.name}`
      : `/meshes/${document.mesh}/${plural(document.type)}/${document.name}`;
  assert.equal((await api.app.inject({ method: 'DELETE', url })).statusCode, 200);
}

const route = (rule: object, to: object = { kind: 'MeshService', name: 'backend' }) =>
  policy('MeshHTTPRoute', { targetRef: MESH, to: [{ targetRef: to, rules: [rule] }] });
const prefix = (value = '/api') => [{ path: { type: 'PathPrefix', value } }];
const weighted = (...weights: number[]) => ({
  matches: prefix(),
  default: { backendRefs: weights.map((weight, i) => ({ kind: 'MeshService', name: `b${i}`, weight })) },
});
const RULE = 'spec.to[0].rules[0]';

test('MeshHTTPRoute weights of 2^32 or 1e308 are refused (the engine could not encode them and kept a stale route)', async () => {
  await refused(
    route(weighted(2 ** 32, 1)),
    `${RULE}.default.backendRefs[0].weight`,
    'must be an integer from 0 to 4294967295',
  );
  await refused(
    route(weighted(1e308, 1)),
    `${RULE}.default.backendRefs[0].weight`,
    'must be an integer from 0 to 4294967295',
  );
  await refused(
    route(weighted(2 ** 32 - 1, 2 ** 32 - 1)),
    `${RULE}.default.backendRefs`,
    'weights must add up to at most 4294967295; they add up to 8589934590',
  );
  await accepted(route(weighted(2 ** 32 - 2, 1)));
});

test('every count Envoy keeps as a 32-bit integer is bounded', async () => {
  const retry = (http: object) => policy('MeshRetry', { to: [{ targetRef: MESH, default: { http } }] });
  const at = 'spec.to[0].default';
  await refused(retry({ numRetries: 2 ** 32 }), `${at}.http.numRetries`, 'must be an integer from 0 to 4294967295');
  await refused(
    policy('MeshRetry', { to: [{ targetRef: MESH, default: { grpc: { numRetries: 1e308 } } }] }),
    `${at}.grpc.numRetries`,
    'must be an integer from 0 to 4294967295',
  );
  await refused(
    policy('MeshRetry', { to: [{ targetRef: MESH, default: { tcp: { maxConnectAttempt: 2 ** 32 } } }] }),
    `${at}.tcp.maxConnectAttempt`,
    'must be an integer from 1 to 4294967295',
  );
  await refused(
    retry({ hostSelection: [{ predicate: 'OmitPreviousPriorities', updateFrequency: 2 ** 31 }] }),
    `${at}.http.hostSelection[0].updateFrequency`,
    'must be an integer from 1 to 2147483647',
  );
  await refused(
    retry({ hostSelectionMaxAttempts: 1e308 }),
    `${at}.http.hostSelectionMaxAttempts`,
    'must be an integer from 0 to 9007199254740991',
  );
  const lb = (conf: object) => policy('MeshLoadBalancingStrategy', { to: [{ targetRef: MESH, default: conf }] });
  await refused(
    lb({ loadBalancer: { type: 'LeastRequest', leastRequest: { choiceCount: 2 ** 32 } } }),
    `${at}.loadBalancer.leastRequest.choiceCount`,
    'must be an integer from 2 to 4294967295',
  );
  await refused(
    lb({ localityAwareness: { localZone: { affinityTags: [{ key: 'zone', weight: 1e308 }] } } }),
    `${at}.localityAwareness.localZone.affinityTags[0].weight`,
    'must be an integer from 1 to 4294967295',
  );
  const factor = (value: unknown) =>
    policy('MeshCircuitBreaker', {
      to: [
        {
          targetRef: MESH,
          default: { outlierDetection: { detectors: { successRate: { standardDeviationFactor: value } } } },
        },
      ],
    });
  const factorAt = `${at}.outlierDetection.detectors.successRate.standardDeviationFactor`;
  await refused(factor(5e6), factorAt, /^must be a number up to 4294967.295/);
  await refused(factor('5000000'), factorAt, 'must be at most 4294967.295');
  const dataplane = {
    type: 'Dataplane',
    mesh: 'default',
    name: 'probe',
    networking: {
      address: '10.0.0.9',
      inbound: [{ port: 80, tags: { 'kuma.io/service': 'web' }, serviceProbe: { unhealthyThreshold: 2 ** 32 } }],
    },
  };
  await refused(
    dataplane,
    'networking.inbound[0].serviceProbe.unhealthyThreshold',
    'must be an integer from 1 to 4294967295',
  );
  const fault = policy('MeshFaultInjection', {
    from: [
      {
        targetRef: MESH,
        default: { http: [{ responseBandwidth: { limit: '18446744073709551615kbps', percentage: 5 } }] },
      },
    ],
  });
  await refused(fault, 'spec.from[0].default.http[0].responseBandwidth.limit', 'must be at most 9007199254740991kbps');
});

test('durations longer than Go allows (2562047h) are refused; the longest is accepted', async () => {
  const timeout = (connectionTimeout: string) =>
    policy('MeshTimeout', { to: [{ targetRef: MESH, default: { connectionTimeout } }] });
  await refused(
    timeout('99999999999999999999h'),
    'spec.to[0].default.connectionTimeout',
    'must be at most 2562047h (the longest duration Go and Kuma accept)',
  );
  await refused(
    timeout('2562048h'),
    'spec.to[0].default.connectionTimeout',
    'must be at most 2562047h (the longest duration Go and Kuma accept)',
  );
  await accepted(timeout('2562047h'));
});

test('ports are 1 to 65535 everywhere, host:port strings included', async () => {
  const accessLog = (address: string) =>
    policy('MeshAccessLog', { to: [{ targetRef: MESH, default: { backends: [{ type: 'Tcp', tcp: { address } }] } }] });
  await refused(
    accessLog('127.0.0.1:99999'),
    'spec.to[0].default.backends[0].tcp.address',
    'port must be between 1 and 65535',
  );
  await refused(
    accessLog('collector:0'),
    'spec.to[0].default.backends[0].tcp.address',
    'port must be between 1 and 65535',
  );
  const portError = 'must be a port between 1 and 65535';
  await refused(
    policy('MeshPassthrough', {
      default: { passthroughMode: 'Matched', appendMatch: [{ type: 'IP', value: '10.0.0.1', port: 65536 }] },
    }),
    'spec.default.appendMatch[0].port',
    portError,
  );
  await refused(
    policy('MeshMetric', { default: { applications: [{ port: 0 }] } }),
    'spec.default.applications[0].port',
    portError,
  );
  await refused(
    route({ matches: prefix(), default: { filters: [{ type: 'RequestRedirect', requestRedirect: { port: 70000 } }] } }),
    `${RULE}.default.filters[0].requestRedirect.port`,
    portError,
  );
  await refused(
    { type: 'MeshService', mesh: 'default', name: 'svc', spec: { ports: [{ port: 0 }] } },
    'spec.ports[0].port',
    portError,
  );
});

test('percentages are 0 to 100, as numbers or decimal strings', async () => {
  const abort = (percentage: unknown) =>
    policy('MeshFaultInjection', {
      from: [{ targetRef: MESH, default: { http: [{ abort: { httpStatus: 503, percentage } }] } }],
    });
  const reason = 'must be a percentage between 0 and 100, as a number or a decimal string';
  await refused(abort(100.5), 'spec.from[0].default.http[0].abort.percentage', reason);
  await refused(abort('101'), 'spec.from[0].default.http[0].abort.percentage', reason);
  await refused(
    route({
      matches: prefix(),
      default: {
        filters: [
          { type: 'RequestMirror', requestMirror: { percentage: -1, backendRef: { kind: 'MeshService', name: 'm' } } },
        ],
      },
    }),
    `${RULE}.default.filters[0].requestMirror.percentage`,
    reason,
  );
  await refused(
    policy('MeshCircuitBreaker', {
      to: [{ targetRef: MESH, default: { outlierDetection: { maxEjectionPercent: 101, disabled: true } } }],
    }),
    'spec.to[0].default.outlierDetection.maxEjectionPercent',
    'must be at most 100',
  );
});

const modifier = (requestHeaderModifier: object) =>
  route({ matches: prefix(), default: { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier }] } });
const HEADER_VALUE = 'must be an HTTP header value: no control characters (NUL, CR, LF, ...) but tab';

test('header values with CR, LF or another control character are refused in every policy that carries headers', async () => {
  const filter = `${RULE}.default.filters[0].requestHeaderModifier`;
  await refused(
    modifier({ set: [{ name: 'x-a', value: 'a\r\nx-injected: 1' }] }),
    `${filter}.set[0].value`,
    HEADER_VALUE,
  );
  await refused(modifier({ add: [{ name: 'x-a', value: 'a\nb' }] }), `${filter}.add[0].value`, HEADER_VALUE);
  await refused(
    route({ matches: [{ headers: [{ name: 'x-a', value: 'a\rb' }] }], default: {} }),
    `${RULE}.matches[0].headers[0].value`,
    HEADER_VALUE,
  );
  await refused(
    route({
      matches: prefix(),
      default: {
        filters: [
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-a', value: 'bell\u0007' }] } },
        ],
      },
    }),
    `${RULE}.default.filters[0].responseHeaderModifier.set[0].value`,
    HEADER_VALUE,
  );
  await refused(
    policy('MeshRetry', {
      to: [{ targetRef: MESH, default: { http: { retriableRequestHeaders: [{ name: 'x-a', value: 'a\nb' }] } } }],
    }),
    'spec.to[0].default.http.retriableRequestHeaders[0].value',
    HEADER_VALUE,
  );
  await refused(
    policy('MeshRateLimit', {
      rules: [{ default: { local: { http: { onRateLimit: { headers: { add: [{ name: 'x-a', value: 'a\r' }] } } } } } }],
    }),
    'spec.rules[0].default.local.http.onRateLimit.headers.add[0].value',
    HEADER_VALUE,
  );
  const check = (conf: object) => policy('MeshHealthCheck', { to: [{ targetRef: MESH, default: conf }] });
  await refused(
    check({ http: { requestHeadersToAdd: { set: [{ name: 'x-a', value: '\n' }] } } }),
    'spec.to[0].default.http.requestHeadersToAdd.set[0].value',
    HEADER_VALUE,
  );
  await refused(check({ http: { path: '/health\r\n' } }), 'spec.to[0].default.http.path', HEADER_VALUE);
  await refused(check({ grpc: { authority: 'a\nb' } }), 'spec.to[0].default.grpc.authority', HEADER_VALUE);
  await refused(
    modifier({ set: [{ name: 'x-a', value: 'v'.repeat(16_385) }] }),
    `${filter}.set[0].value`,
    "must be at most 16384 bytes (Envoy's limit for a header value)",
  );
  await refused(
    modifier({ set: [{ name: 'x-a', value: 'a\u0000b' }] }),
    `${filter}.set[0].value`,
    'must not contain the NUL character',
  );
  // Tab and characters beyond ASCII are field-value characters.
  await accepted(modifier({ set: [{ name: 'x-a', value: 'a\tb é' }] }));
});

test('header names are RFC 7230 tokens, lower case where Kuma asks for it, and never host where a header is modified', async () => {
  await refused(
    route({ matches: [{ headers: [{ name: 'X-Upper', value: 'a' }] }], default: {} }),
    `${RULE}.matches[0].headers[0].name`,
    'must be a lower case HTTP header name',
  );
  const notHost = 'must be a lower case HTTP header name other than host (Envoy does not modify Host this way)';
  await refused(
    modifier({ set: [{ name: 'host', value: 'evil' }] }),
    `${RULE}.default.filters[0].requestHeaderModifier.set[0].name`,
    notHost,
  );
  await refused(modifier({ remove: ['host'] }), `${RULE}.default.filters[0].requestHeaderModifier.remove[0]`, notHost);
  const hash = (name: string) =>
    policy('MeshLoadBalancingStrategy', {
      to: [{ targetRef: MESH, default: { hashPolicies: [{ type: 'Header', header: { name } }] } }],
    });
  await refused(
    hash('x user'),
    'spec.to[0].default.hashPolicies[0].header.name',
    "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~",
  );
  await accepted(hash('X-User-Id'));
  const tag = policy('MeshTrace', { default: { backends: [], tags: [{ name: 't', header: { name: 'x:y' } }] } });
  await refused(
    tag,
    'spec.default.tags[0].header.name',
    "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~",
  );
});

test('paths Envoy cannot match or set are refused', async () => {
  await refused(
    route({ matches: prefix('/api?debug'), default: {} }),
    `${RULE}.matches[0].path.value`,
    'must not contain "?" or "#": a prefix matches the path alone, without query or fragment',
  );
  await refused(
    route({
      matches: prefix(),
      default: {
        filters: [
          { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/a\r\nb' } } },
        ],
      },
    }),
    `${RULE}.default.filters[0].urlRewrite.path.replaceFullPath`,
    HEADER_VALUE,
  );
  await refused(
    route({ matches: [{ queryParams: [{ type: 'Exact', name: 'q'.repeat(1025), value: '1' }] }], default: {} }),
    `${RULE}.matches[0].queryParams[0].name`,
    'must be at most 1024 characters',
  );
});

const REFERENCE = 'must be a resource name: at most 253 characters of lower case letters, digits, "-", "." and "_"';

test("names in references follow Kuma's rules: ../../etc/passwd is refused, a kuma.io/service name is not", async () => {
  const timeout = (name: string) =>
    policy('MeshTimeout', { to: [{ targetRef: { kind: 'MeshService', name }, default: { idleTimeout: '1h' } }] });
  await refused(timeout('../../etc/passwd'), 'spec.to[0].targetRef.name', REFERENCE);
  await refused(
    route({ matches: prefix(), default: { backendRefs: [{ kind: 'MeshService', name: '../../etc/passwd' }] } }),
    `${RULE}.default.backendRefs[0].name`,
    REFERENCE,
  );
  await refused(
    route({ matches: prefix(), default: {} }, { kind: 'MeshService', name: 'Backend' }),
    'spec.to[0].targetRef.name',
    REFERENCE,
  );
  await refused(
    policy('MeshTimeout', {
      targetRef: { kind: 'MeshService', name: 'web', namespace: 'a/b' },
      to: [{ targetRef: MESH, default: { idleTimeout: '1h' } }],
    }),
    'spec.targetRef.namespace',
    REFERENCE,
  );
  const dataplane = {
    type: 'Dataplane',
    mesh: 'default',
    name: 'probe',
    networking: {
      address: '10.0.0.9',
      inbound: [{ port: 80, tags: { 'kuma.io/service': 'web' } }],
      outbound: [{ port: 10001, backendRef: { kind: 'MeshService', name: '/etc/passwd' } }],
    },
  };
  await refused(dataplane, 'networking.outbound[0].backendRef.name', REFERENCE);
  const service = {
    type: 'MeshService',
    mesh: 'default',
    name: 'svc',
    spec: { selector: { dataplaneRef: { name: '..\\x' } } },
  };
  await refused(service, 'spec.selector.dataplaneRef.name', REFERENCE);
  const trace = policy('MeshTrace', {
    default: {
      backends: [
        { type: 'OpenTelemetry', openTelemetry: { backendRef: { kind: 'MeshOpenTelemetryBackend', name: 'a/b' } } },
      ],
    },
  });
  await refused(trace, 'spec.default.backends[0].openTelemetry.backendRef.name', REFERENCE);
  await accepted(timeout('backend_kuma-demo_svc_8080'));
});

const MESH_NAME =
  'must be a mesh name: at most 253 characters of lower case letters, digits and "-", starting and ending with a letter or digit, without dots (proxies are named <mesh>.<name>)';

test('a mesh named with a dot is refused (node ids split at the first dot), as is a mesh field with one', async () => {
  await refused({ type: 'Mesh', name: 'prod.eu' }, 'name', MESH_NAME);
  const body = assertRefusal(
    await api.app.inject({
      method: 'PUT',
      url: '/meshes/prod.eu/meshtimeouts/t',
      payload: policy('MeshTimeout', { to: [{ targetRef: MESH, default: { idleTimeout: '1h' } }] }, 't'),
    }),
    400,
  );
  assert.deepEqual(
    body.invalid_parameters?.find((p) => p.field === 'mesh'),
    { field: 'mesh', reason: 'must be "prod.eu" to match the URL' },
  );
  await refused(
    { ...policy('MeshTimeout', { to: [{ targetRef: MESH, default: { idleTimeout: '1h' } }] }), mesh: 'prod.eu' },
    'mesh',
    MESH_NAME,
  );
  await refused(
    policy('MeshTimeout', {
      targetRef: { kind: 'Dataplane', name: 'web-1', mesh: 'prod.eu' },
      to: [{ targetRef: MESH, default: { idleTimeout: '1h' } }],
    }),
    'spec.targetRef.mesh',
    MESH_NAME,
  );
  const token = await api.app.inject({
    method: 'POST',
    url: '/tokens/dataplane',
    payload: { mesh: 'prod.eu', validFor: '1h' },
  });
  assertInvalid(token, [{ field: 'mesh', reason: MESH_NAME }]);
  await accepted({ type: 'Mesh', name: 'prod-eu' });
});

test('NUL in any query parameter of any list is a 400 naming the parameter (it was a 500 on PostgreSQL)', async () => {
  for (const kind of kindRegistry.kinds) {
    const lists = kind.scope === 'Global' ? [`/${kind.plural}`] : [`/${kind.plural}`, `/meshes/default/${kind.plural}`];
    for (const list of lists) {
      assertInvalid(await api.app.inject({ method: 'GET', url: `${list}?name=%00` }), [
        { field: 'name', reason: 'must not contain the NUL character' },
      ]);
    }
  }
  assertInvalid(await api.app.inject({ method: 'GET', url: '/meshes/default/dataplanes?filter[labels.app]=a%00' }), [
    { field: 'filter[labels.app]', reason: 'must not contain the NUL character' },
  ]);
  assertInvalid(await api.app.inject({ method: 'GET', url: '/dataplanes?tag=a:b&tag=c:%00' }), [
    { field: 'tag', reason: 'must not contain the NUL character' },
  ]);
  assertInvalid(await api.app.inject({ method: 'GET', url: '/meshes?a%00b=1' }), [
    { field: 'a\\u0000b', reason: 'the parameter name must not contain the NUL character' },
  ]);
});

test('NUL in a path segment is a 400 naming it, for reads and writes alike', async () => {
  assertInvalid(await api.app.inject({ method: 'GET', url: '/meshes/%00' }), [
    { field: 'name', reason: 'must not contain the NUL character' },
  ]);
  assertInvalid(await api.app.inject({ method: 'GET', url: '/meshes/default/dataplanes/web%00' }), [
    { field: 'name', reason: 'must not contain the NUL character' },
  ]);
  assertInvalid(await api.app.inject({ method: 'DELETE', url: '/meshes/de%00fault/meshtimeouts/t' }), [
    { field: 'mesh', reason: 'must not contain the NUL character' },
  ]);
});
