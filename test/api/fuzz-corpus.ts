/**
 * One valid document per resource kind, each using many of its kind's fields,
 * for the hostile-input tests to break in every place: the fuzz generator
 * (fuzz-generator.ts) mutates these, so what it sends is a document of the
 * kind the URL names, wrong in one spot. All in mesh `default`; the test
 * checks that every one of them is accepted as given, so the corpus cannot rot.
 */

const mesh = 'default';
const MESH = { kind: 'Mesh' };
const BACKEND = { kind: 'MeshService', name: 'backend' };
const policy = (type: string, name: string, spec: Record<string, unknown>) => ({ type, mesh, name, spec });

/** Base64 text of a few bytes, for Secret data and inline data sources. */
const BASE64 = Buffer.from('corpus bytes').toString('base64');

const YAML_CLUSTER = [
  'name: corpus-cluster',
  'connectTimeout: 5s',
  'metadata:',
  '  filterMetadata:',
  '    corpus:',
  '      nested: {a: [1, 2, {b: c}]}',
].join('\n');

export const CORPUS: readonly Record<string, unknown>[] = [
  {
    type: 'Mesh',
    name: 'corpus-mesh',
    labels: { team: 'platform' },
    mtls: {
      enabledBackend: 'ca-1',
      backends: [
        {
          name: 'ca-1',
          type: 'builtin',
          dpCert: { rotation: { expiration: '1d' } },
          conf: { caCert: { expiration: '3650d' } },
        },
      ],
    },
    tracing: {
      defaultBackend: 'zipkin',
      backends: [{ name: 'zipkin', type: 'zipkin', sampling: 50, conf: { url: 'http://zipkin:9411/api/v2/spans' } }],
    },
    routing: { localityAwareLoadBalancing: true },
    skipCreatingInitialPolicies: ['*'],
  },
  {
    type: 'Dataplane',
    mesh,
    name: 'corpus-dp',
    labels: { app: 'web' },
    networking: {
      address: '10.0.0.1',
      inbound: [
        {
          port: 8080,
          servicePort: 80,
          name: 'http',
          tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http', version: 'v1' },
          serviceProbe: { interval: '10s', unhealthyThreshold: 3 },
        },
      ],
      outbound: [
        { port: 10001, tags: { 'kuma.io/service': 'backend' } },
        { port: 10002, backendRef: { kind: 'MeshService', name: 'backend_kuma-demo_svc_8080', port: 8080 } },
      ],
      transparentProxying: { redirectPortInbound: 15006, redirectPortOutbound: 15001, reachableServices: ['backend'] },
      admin: { port: 9901 },
    },
  },
  { type: 'Secret', mesh, name: 'corpus-secret', data: BASE64 },
  {
    type: 'MeshService',
    mesh,
    name: 'corpus-svc',
    spec: {
      selector: { dataplaneTags: { 'kuma.io/service': 'web' } },
      ports: [{ name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' }],
      state: 'Available',
    },
  },
  policy('MeshHTTPRoute', 'corpus-mhttpr', {
    targetRef: MESH,
    to: [
      {
        targetRef: BACKEND,
        rules: [
          {
            matches: [
              {
                path: { type: 'PathPrefix', value: '/api' },
                method: 'GET',
                queryParams: [{ type: 'Exact', name: 'v', value: '1' }],
                headers: [{ type: 'Exact', name: 'x-user', value: 'alice' }],
              },
            ],
            default: {
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  requestHeaderModifier: {
                    set: [{ name: 'x-set', value: 'a' }],
                    add: [{ name: 'x-add', value: 'b' }],
                    remove: ['x-remove'],
                  },
                },
                { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
              ],
              backendRefs: [
                { kind: 'MeshService', name: 'backend', weight: 90 },
                { kind: 'MeshService', name: 'backend-v2', weight: 10 },
              ],
            },
          },
        ],
      },
    ],
  }),
  policy('MeshTCPRoute', 'corpus-mtcpr', {
    targetRef: MESH,
    to: [
      {
        targetRef: BACKEND,
        rules: [{ default: { backendRefs: [{ kind: 'MeshService', name: 'backend', weight: 1 }] } }],
      },
    ],
  }),
  policy('MeshTLS', 'corpus-mtls', {
    targetRef: MESH,
    from: [{ targetRef: MESH, default: { mode: 'Strict', tlsVersion: { min: 'TLS12', max: 'TLS13' } } }],
  }),
  policy('MeshLoadBalancingStrategy', 'corpus-mlbs', {
    targetRef: MESH,
    to: [
      {
        targetRef: BACKEND,
        default: {
          loadBalancer: {
            type: 'RingHash',
            ringHash: {
              minRingSize: 1024,
              hashPolicies: [
                { type: 'Header', header: { name: 'X-User-Id' } },
                { type: 'Cookie', cookie: { name: 'session', ttl: '1h', path: '/' } },
              ],
            },
          },
          localityAwareness: { localZone: { affinityTags: [{ key: 'k8s.io/node', weight: 9 }] } },
        },
      },
    ],
  }),
  policy('MeshPassthrough', 'corpus-mp', {
    default: {
      passthroughMode: 'Matched',
      appendMatch: [
        { type: 'Domain', value: 'api.example.com', port: 443, protocol: 'tls' },
        { type: 'CIDR', value: '10.0.0.0/8' },
      ],
    },
  }),
  policy('MeshAccessLog', 'corpus-mal', {
    targetRef: MESH,
    to: [
      {
        targetRef: MESH,
        default: {
          backends: [
            {
              type: 'File',
              file: {
                path: '/tmp/access.log',
                format: { type: 'Json', json: [{ key: 'start', value: '%START_TIME%' }] },
              },
            },
            {
              type: 'Tcp',
              tcp: { address: '127.0.0.1:5000', format: { type: 'Plain', plain: '%START_TIME% %KUMA_MESH%' } },
            },
          ],
        },
      },
    ],
  }),
  policy('MeshTrace', 'corpus-mtr', {
    default: {
      backends: [{ type: 'Zipkin', zipkin: { url: 'http://zipkin:9411/api/v2/spans' } }],
      sampling: { overall: 80, random: '12.5' },
      tags: [
        { name: 'team', literal: 'core' },
        { name: 'user', header: { name: 'X-User', default: 'none' } },
      ],
    },
  }),
  policy('MeshFaultInjection', 'corpus-mfi', {
    targetRef: MESH,
    from: [
      {
        targetRef: MESH,
        default: {
          http: [
            {
              abort: { httpStatus: 503, percentage: 5 },
              delay: { value: '2s', percentage: '2.5' },
              responseBandwidth: { limit: '50Mbps', percentage: 10 },
            },
          ],
        },
      },
    ],
  }),
  policy('MeshRateLimit', 'corpus-mrl', {
    targetRef: MESH,
    rules: [
      {
        default: {
          local: {
            http: {
              requestRate: { num: 100, interval: '1s' },
              onRateLimit: { status: 429, headers: { set: [{ name: 'x-limited', value: 'yes' }] } },
            },
            tcp: { connectionRate: { num: 10, interval: '1s' } },
          },
        },
      },
    ],
  }),
  policy('MeshTimeout', 'corpus-mt', {
    targetRef: MESH,
    to: [
      {
        targetRef: MESH,
        default: {
          connectionTimeout: '5s',
          idleTimeout: '1h',
          http: { requestTimeout: '15s', streamIdleTimeout: '30m' },
        },
      },
    ],
    from: [{ targetRef: MESH, default: { idleTimeout: '1h' } }],
  }),
  policy('MeshTrafficPermission', 'corpus-mtp', {
    targetRef: MESH,
    from: [{ targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'web' } }, default: { action: 'Allow' } }],
    rules: [{ default: { allow: [{ spiffeID: { type: 'Prefix', value: 'spiffe://default/' } }] } }],
  }),
  policy('MeshHealthCheck', 'corpus-mhc', {
    targetRef: MESH,
    to: [
      {
        targetRef: BACKEND,
        default: {
          interval: '10s',
          timeout: '2s',
          unhealthyThreshold: 3,
          healthyThreshold: 1,
          http: {
            path: '/health',
            requestHeadersToAdd: { add: [{ name: 'x-probe', value: 'mesh' }] },
            expectedStatuses: [200, 204],
          },
          grpc: { serviceName: 'health', authority: 'backend.mesh' },
        },
      },
    ],
  }),
  policy('MeshCircuitBreaker', 'corpus-mcb', {
    targetRef: MESH,
    to: [
      {
        targetRef: MESH,
        default: {
          connectionLimits: { maxConnections: 1024, maxPendingRequests: 512, maxRequests: 1024, maxRetries: 3 },
          outlierDetection: {
            interval: '10s',
            baseEjectionTime: '30s',
            maxEjectionPercent: 20,
            detectors: {
              totalFailures: { consecutive: 5 },
              successRate: { minimumHosts: 5, standardDeviationFactor: '1.9' },
            },
          },
        },
      },
    ],
  }),
  policy('MeshRetry', 'corpus-mr', {
    targetRef: MESH,
    to: [
      {
        targetRef: MESH,
        default: {
          tcp: { maxConnectAttempt: 3 },
          http: {
            numRetries: 3,
            perTryTimeout: '2s',
            backOff: { baseInterval: '25ms', maxInterval: '250ms' },
            retryOn: ['5xx', '503'],
            retriableRequestHeaders: [{ type: 'Exact', name: 'x-retry', value: 'yes' }],
            hostSelection: [{ predicate: 'OmitPreviousPriorities', updateFrequency: 2 }],
          },
          grpc: { numRetries: 2, retryOn: ['Unavailable'] },
        },
      },
    ],
  }),
  policy('MeshMetric', 'corpus-mm', {
    default: {
      sidecar: { profiles: { appendProfiles: [{ name: 'Basic' }], include: [{ type: 'Regex', match: 'http.*' }] } },
      applications: [{ name: 'app', path: '/metrics', port: 8081 }],
      backends: [{ type: 'Prometheus', prometheus: { port: 5670, path: '/metrics' } }],
    },
  }),
  policy('MeshProxyPatch', 'corpus-mpp', {
    targetRef: MESH,
    default: {
      appendModifications: [
        { cluster: { operation: 'Add', value: YAML_CLUSTER } },
        {
          cluster: {
            match: { name: 'backend' },
            operation: 'Patch',
            jsonPatches: [{ op: 'add', path: '/metadata', value: { filterMetadata: { corpus: { a: 1 } } } }],
          },
        },
      ],
    },
  }),
];

/** The REST path a document is PUT to. */
export function pathOf(document: Record<string, unknown>, plurals: ReadonlyMap<string, string>): string {
  const plural = plurals.get(String(document['type']));
  if (plural === undefined) throw new Error(`no plural for ${String(document['type'])}`);
  const name = encodeURIComponent(String(document['name']));
  return document['type'] === 'Mesh'
    ? `/meshes/${name}`
    : `/meshes/${encodeURIComponent(String(document['mesh']))}/${plural}/${name}`;
}
