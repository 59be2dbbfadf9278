/**
 * One golden file's Envoy config as a bootstrap `envoy --mode validate` can
 * judge. Validate mode builds everything static (listeners with their filter
 * factories, clusters with their TLS contexts, inline route tables with the
 * clusters they name) and connects to nothing, so what a proxy would receive
 * over ADS is made static here:
 *
 *   Secret                        ─► static secret; SDS references lose their ADS
 *                                    config source (a name alone means static), and
 *                                    a secret the file leaves out is made up
 *   Cluster (EDS) + its endpoints ─► STATIC cluster with the ClusterLoadAssignment inline
 *   Cluster (EDS), no endpoints   ─► kept as EDS over a dummy ADS server (never dialled)
 *   ClusterLoadAssignment alone   ─► the load assignment of a STATIC check cluster
 *   listener `rds` of a known table ─► that RouteConfiguration inline
 *   RouteConfiguration alone      ─► inline in a check listener (HTTP connection manager)
 *   fragments (an HTTP filter, a network filter, a retry policy) ─► placed where Envoy
 *                                    reads them, around a check cluster
 *
 * Secrets in golden files hold placeholder PEM text (the generators copy
 * bytes, they never read them), and validate mode parses certificates, so
 * their bytes are replaced by a real certificate, key and CA of the same
 * shape. Everything else is the golden JSON exactly (protobuf JSON with
 * `@type`, which Envoy reads as it is).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Real PEM text standing in for the placeholders of golden secrets. */
export interface TestPki {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const TYPE = 'type.googleapis.com/';
const LISTENER = `${TYPE}envoy.config.listener.v3.Listener`;
const CLUSTER = `${TYPE}envoy.config.cluster.v3.Cluster`;
const ROUTES = `${TYPE}envoy.config.route.v3.RouteConfiguration`;
const ENDPOINTS = `${TYPE}envoy.config.endpoint.v3.ClusterLoadAssignment`;
const SECRET = `${TYPE}envoy.extensions.transport_sockets.tls.v3.Secret`;
const HCM = `${TYPE}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;

export const ADS_CLUSTER = 'validate:ads';
export const CHECK_CLUSTER = 'validate:upstream';

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T extends Json>(value: T): T => structuredClone(value);

/** The Envoy config a golden file holds: a list of resources (bare, or under `resources`), or one fragment. */
export type GoldenContent =
  | { readonly kind: 'resources'; readonly resources: readonly JsonObject[] }
  | { readonly kind: 'http-filter' | 'network-filter' | 'retry-policy'; readonly fragment: JsonObject };

/** What a parsed golden file holds; throws naming the file when it is none of the known shapes. */
export function goldenContent(file: string, json: Json): GoldenContent {
  const list = Array.isArray(json)
    ? json
    : isObject(json) && Array.isArray(json['resources'])
      ? json['resources']
      : undefined;
  if (list !== undefined) {
    if (!list.every((r) => isObject(r) && typeof r['@type'] === 'string'))
      throw new Error(`${file}: a resource without @type`);
    return { kind: 'resources', resources: list as JsonObject[] };
  }
  if (isObject(json) && typeof json['name'] === 'string' && isObject(json['typedConfig'])) {
    if (json['name'].startsWith('envoy.filters.http.')) return { kind: 'http-filter', fragment: json };
    if (json['name'].startsWith('envoy.filters.network.')) return { kind: 'network-filter', fragment: json };
  }
  if (isObject(json) && ('retryOn' in json || 'numRetries' in json)) return { kind: 'retry-policy', fragment: json };
  throw new Error(`${file}: not a list of resources nor a known fragment (HTTP or network filter, retry policy)`);
}

const withoutType = (resource: JsonObject): JsonObject => {
  const { ['@type']: _type, ...rest } = resource;
  return clone(rest);
};

/** Calls `visit` on every object inside `value`, parents first. */
function eachObject(value: Json, visit: (object: JsonObject) => void): void {
  if (Array.isArray(value)) for (const item of value) eachObject(item, visit);
  else if (isObject(value)) {
    visit(value);
    for (const inner of Object.values(value)) eachObject(inner, visit);
  }
}

const pemBytes = (pem: string): Json => ({ inlineBytes: Buffer.from(pem, 'utf8').toString('base64') });

/** A golden secret with real PEM bytes in each place it holds some. */
function realSecret(secret: JsonObject, pki: TestPki): JsonObject {
  const copy = withoutType(secret);
  const certificate = copy['tlsCertificate'];
  if (isObject(certificate)) {
    if ('certificateChain' in certificate) certificate['certificateChain'] = pemBytes(pki.certPem);
    if ('privateKey' in certificate) certificate['privateKey'] = pemBytes(pki.keyPem);
  }
  const validation = copy['validationContext'];
  if (isObject(validation) && 'trustedCa' in validation) validation['trustedCa'] = pemBytes(pki.caPem);
  return copy;
}

const socketAddress = (address: string, port: number): JsonObject => ({ socketAddress: { address, portValue: port } });

/** A STATIC cluster on 127.0.0.1, where check listeners and fragments send traffic. */
const checkCluster = (name: string, loadAssignment?: JsonObject): JsonObject => ({
  name,
  type: 'STATIC',
  loadAssignment: loadAssignment ?? {
    clusterName: name,
    endpoints: [{ lbEndpoints: [{ endpoint: { address: socketAddress('127.0.0.1', 1) } }] }],
  },
});

const ROUTER = {
  name: 'envoy.filters.http.router',
  typedConfig: { '@type': `${TYPE}envoy.extensions.filters.http.router.v3.Router` },
};

/** A listener whose only chain runs an HTTP connection manager with `routeConfig` and `httpFilters` (the router last). */
function checkHttpListener(
  name: string,
  port: number,
  routeConfig: JsonObject,
  httpFilters: readonly JsonObject[] = [],
): JsonObject {
  return {
    name,
    address: socketAddress('127.0.0.1', port),
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typedConfig: { '@type': HCM, statPrefix: 'validate', routeConfig, httpFilters: [...httpFilters, ROUTER] },
          },
        ],
      },
    ],
  };
}

const routeToCheckCluster = (extra: JsonObject = {}): JsonObject => ({
  name: 'validate',
  virtualHosts: [
    {
      name: 'validate',
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, route: { cluster: CHECK_CLUSTER, ...extra } }],
    },
  ],
});

/** The bootstrap every check shares: a node, and an ADS source nothing dials (validate mode connects nowhere). */
function bootstrapShell(listeners: JsonObject[], clusters: JsonObject[], secrets: JsonObject[]): JsonObject {
  const ads = {
    name: ADS_CLUSTER,
    type: 'STATIC',
    typedExtensionProtocolOptions: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': `${TYPE}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
        explicitHttpConfig: { http2ProtocolOptions: {} },
      },
    },
    loadAssignment: {
      clusterName: ADS_CLUSTER,
      endpoints: [{ lbEndpoints: [{ endpoint: { address: socketAddress('127.0.0.1', 1) } }] }],
    },
  };
  return {
    node: { id: 'validate.golden', cluster: 'validate' },
    staticResources: { listeners, clusters: [...clusters, ads], secrets },
    dynamicResources: {
      adsConfig: {
        apiType: 'GRPC',
        transportApiVersion: 'V3',
        grpcServices: [{ envoyGrpc: { clusterName: ADS_CLUSTER } }],
      },
    },
  };
}

/** Check listeners take ports from here up; validate mode binds nothing, the numbers only have to differ. */
const CHECK_PORT_BASE = 39_000;

/**
 * Makes the SDS references of a TLS context (`object`) name static secrets:
 * drops their ADS config source, and adds a secret of the referenced name
 * when the file holds none (a file may leave its secrets out). Validate mode
 * cannot leave them to ADS: Envoy 1.38 crashes validating a cluster whose
 * TLS context waits for SDS over ADS.
 */
function staticSecretReferences(object: JsonObject, secrets: JsonObject[], pki: TestPki): void {
  const references: { reference: JsonObject; secret: (name: string) => JsonObject }[] = [];
  const certificates = object['tlsCertificateSdsSecretConfigs'];
  if (Array.isArray(certificates)) {
    for (const reference of certificates.filter(isObject)) {
      references.push({
        reference,
        secret: (name) => ({
          name,
          tlsCertificate: { certificateChain: pemBytes(pki.certPem), privateKey: pemBytes(pki.keyPem) },
        }),
      });
    }
  }
  const validation = object['validationContextSdsSecretConfig'];
  if (isObject(validation))
    references.push({
      reference: validation,
      secret: (name) => ({ name, validationContext: { trustedCa: pemBytes(pki.caPem) } }),
    });
  for (const { reference, secret } of references) {
    const name = reference['name'];
    if (typeof name !== 'string') continue;
    delete reference['sdsConfig'];
    if (!secrets.some((s) => s['name'] === name)) secrets.push(secret(name));
  }
}

/** The clusters a listener's routes and TCP proxies send to. */
function referencedClusters(listener: JsonObject): string[] {
  const names: string[] = [];
  eachObject(listener, (object) => {
    if (typeof object['cluster'] === 'string') names.push(object['cluster']);
    const weighted = object['weightedClusters'];
    if (isObject(weighted) && Array.isArray(weighted['clusters'])) {
      for (const entry of weighted['clusters'])
        if (isObject(entry) && typeof entry['name'] === 'string') names.push(entry['name']);
    }
  });
  return names;
}

function fromResources(resources: readonly JsonObject[], pki: TestPki): JsonObject {
  const ofType = (type: string) => resources.filter((r) => r['@type'] === type).map(withoutType);
  const known = new Set([LISTENER, CLUSTER, ROUTES, ENDPOINTS, SECRET]);
  const unknown = resources.filter((r) => !known.has(r['@type'] as string));
  if (unknown.length > 0) throw new Error(`no place in a bootstrap for ${unknown.map((r) => r['@type']).join(', ')}`);

  const secrets = resources.filter((r) => r['@type'] === SECRET).map((s) => realSecret(s, pki));
  const routeTables = new Map(ofType(ROUTES).map((r) => [r['name'] as string, r]));
  const assignments = new Map(ofType(ENDPOINTS).map((a) => [a['clusterName'] as string, a]));
  const usedTables = new Set<string>();
  const usedAssignments = new Set<string>();

  const clusters = ofType(CLUSTER).map((cluster) => {
    const eds = cluster['edsClusterConfig'];
    const edsName =
      isObject(eds) && typeof eds['serviceName'] === 'string' ? eds['serviceName'] : (cluster['name'] as string);
    const assignment = assignments.get(edsName);
    if (cluster['type'] !== 'EDS' || assignment === undefined) return cluster;
    usedAssignments.add(edsName);
    const { edsClusterConfig: _eds, ...rest } = cluster;
    return { ...rest, type: 'STATIC', loadAssignment: assignment };
  });
  const listeners = ofType(LISTENER);

  for (const holder of [...listeners, ...clusters]) {
    eachObject(holder, (object) => {
      staticSecretReferences(object, secrets, pki);
      const rds = object['rds'];
      if (isObject(rds) && typeof rds['routeConfigName'] === 'string' && routeTables.has(rds['routeConfigName'])) {
        delete object['rds'];
        object['routeConfig'] = clone(routeTables.get(rds['routeConfigName'])!);
        usedTables.add(rds['routeConfigName']);
      }
    });
  }

  let port = CHECK_PORT_BASE;
  for (const [name, table] of routeTables) {
    if (!usedTables.has(name)) listeners.push(checkHttpListener(`validate:routes:${name}`, port++, table));
  }
  for (const [name, assignment] of assignments) {
    if (!usedAssignments.has(name)) clusters.push(checkCluster(`validate:endpoints:${name}`, assignment));
  }
  // A file without clusters (a fragment of a proxy's config) names clusters it does not hold.
  if (!resources.some((r) => r['@type'] === CLUSTER)) {
    const names = new Set(listeners.flatMap(referencedClusters));
    for (const name of names) clusters.push(checkCluster(name));
  }
  return bootstrapShell(listeners, clusters, secrets);
}

/**
 * The bootstrap that validates `content`. A file holding route tables but no
 * clusters gets placeholder clusters of the names its routes use; a file
 * with clusters must hold every cluster its routes name (Envoy checks the
 * clusters of static route tables), as a proxy's whole config would.
 */
export function validationBootstrap(content: GoldenContent, pki: TestPki): JsonObject {
  switch (content.kind) {
    case 'resources':
      return fromResources(content.resources, pki);
    case 'http-filter':
      return bootstrapShell(
        [checkHttpListener('validate:http-filter', CHECK_PORT_BASE, routeToCheckCluster(), [clone(content.fragment)])],
        [checkCluster(CHECK_CLUSTER)],
        [],
      );
    case 'retry-policy':
      return bootstrapShell(
        [
          checkHttpListener(
            'validate:retry-policy',
            CHECK_PORT_BASE,
            routeToCheckCluster({ retryPolicy: clone(content.fragment) }),
          ),
        ],
        [checkCluster(CHECK_CLUSTER)],
        [],
      );
    case 'network-filter': {
      const tcpProxy = {
        name: 'envoy.filters.network.tcp_proxy',
        typedConfig: {
          '@type': `${TYPE}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
          statPrefix: 'validate',
          cluster: CHECK_CLUSTER,
        },
      };
      const listener = {
        name: 'validate:network-filter',
        address: socketAddress('127.0.0.1', CHECK_PORT_BASE),
        filterChains: [{ filters: [clone(content.fragment), tcpProxy] }],
      };
      return bootstrapShell([listener], [checkCluster(CHECK_CLUSTER)], []);
    }
  }
}
