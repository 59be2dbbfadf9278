/**
 * The read-only views beside resource CRUD, in the OpenAPI document: discovery,
 * readiness, insights, dataplane overviews and policy inspection. Their bodies
 * are built as plain objects by the routes (Kuma's shapes), so their schemas are
 * written here once, from the same field lists docs/api.md gives; a client
 * generated from the document (the GUI's) is typed by them.
 */
import { bool, int, json, object, ref, str } from './openapi-parts.js';

const ok = (description: string, schema: unknown) => ({ 200: { description, ...json(schema) } });
const notFound = { 404: { description: 'Not found', ...json(ref('Error')) } };
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const strings = { type: 'array', items: str };
const stringMap = { type: 'object', additionalProperties: str };
const mapOf = (schema: unknown) => ({ type: 'object', additionalProperties: schema });
const list = (item: unknown) =>
  object({ total: int, items: { type: 'array', items: item }, next: { type: ['string', 'null'] } }, ['total', 'items']);

const listParameters = [
  { name: 'size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'name', in: 'query', description: 'Substring of the name', schema: str },
];
const overviewParameters = [
  ...listParameters,
  {
    name: 'tag',
    in: 'query',
    description: 'KEY:VALUE, repeatable: a tag KEY whose value contains VALUE',
    schema: { type: 'array', items: str },
  },
  { name: 'gateway', in: 'query', schema: { type: 'string', enum: ['true', 'false', 'builtin', 'delegated'] } },
  { name: 'status', in: 'query', schema: { type: 'string', enum: ['online', 'offline', 'partially_degraded'] } },
  { name: 'proxyType', in: 'query', schema: { type: 'string', enum: ['envoy', 'grpc'] } },
];

/** Schemas of the view bodies, by component name (`View` where a kind has the plain name). */
export function viewSchemas(): Record<string, unknown> {
  const counts = object({ total: int, online: int, offline: int, partiallyDegraded: int });
  const serviceStats = object({ responsesSent: str, responsesAcknowledged: str, responsesRejected: str });
  const typeStatus = object({
    responsesSent: str,
    responsesAcknowledged: str,
    responsesRejected: str,
    sentVersion: str,
    lastSentTime: str,
    ackedVersion: str,
    lastAckTime: str,
    lastNack: object({ version: str, error: str, time: str }, ['version', 'error', 'time']),
  });
  const meta = object({ type: str, mesh: str, name: str, labels: stringMap }, ['type', 'mesh', 'name']);
  const resourceMeta = object({ type: str, mesh: str, name: str, labels: stringMap });
  return {
    Index: object(
      {
        hostname: str,
        tagline: str,
        product: str,
        version: str,
        basedOnKuma: str,
        instanceId: str,
        clusterId: str,
        gui: str,
      },
      ['product', 'version', 'instanceId'],
    ),
    Readiness: object(
      {
        ready: bool,
        store: object({ available: bool, unavailableSince: str, reason: str }, ['available']),
      },
      ['ready', 'store'],
    ),
    Caller: object({ name: str, groups: strings }, ['name', 'groups']),
    ResourceDescriptors: object(
      {
        resources: {
          type: 'array',
          items: object(
            {
              name: str,
              path: str,
              singularDisplayName: str,
              pluralDisplayName: str,
              scope: { type: 'string', enum: ['Global', 'Mesh'] },
              readOnly: bool,
              shortName: str,
              includeInFederation: bool,
              policy: object({
                isTargetRef: bool,
                hasToTargetRef: bool,
                hasFromTargetRef: bool,
                hasRulesTargetRef: bool,
                isFromAsRules: bool,
              }),
            },
            ['name', 'path', 'singularDisplayName', 'pluralDisplayName', 'scope', 'readOnly'],
          ),
        },
      },
      ['resources'],
    ),
    StatusCounts: counts,
    DiscoverySubscription: object(
      {
        id: str,
        controlPlaneInstanceId: str,
        connectTime: str,
        disconnectTime: str,
        generation: int,
        protocol: { type: 'string', enum: ['sotw', 'delta'] },
        version: object({
          kumaDp: object({ version: str, kumaCpCompatible: bool }),
          envoy: object({ version: str, build: str, kumaDpCompatible: bool }),
        }),
        status: {
          ...object({ lastUpdateTime: str, total: serviceStats }),
          additionalProperties: typeStatus,
        },
      },
      ['id', 'controlPlaneInstanceId', 'connectTime', 'status'],
    ),
    DataplaneInsightView: object({
      connected: bool,
      subscriptions: { type: 'array', items: ref('DiscoverySubscription') },
      mTLS: object({
        certificateExpirationTime: str,
        lastCertificateRegeneration: str,
        certificateRegenerations: int,
        issuedBackend: str,
        supportedBackends: strings,
      }),
      metadata: object({ features: strings, proxyType: { type: 'string', enum: ['envoy', 'grpc'] } }),
      envoy: object({ state: { type: 'string', enum: ['up', 'restarting'] }, reason: str, time: str }),
      consistencyError: object({ error: str, problems: strings, time: str }),
    }),
    DataplaneOverview: object(
      {
        type: str,
        mesh: str,
        name: str,
        creationTime: str,
        modificationTime: str,
        labels: stringMap,
        kri: str,
        dataplane: object({
          networking: object({
            address: str,
            advertisedAddress: str,
            inbound: {
              type: 'array',
              items: object({
                name: str,
                port: int,
                servicePort: int,
                address: str,
                tags: stringMap,
                state: str,
                health: object({ ready: bool }),
              }),
            },
            outbound: {
              type: 'array',
              items: object({ port: int, address: str, tags: stringMap, backendRef: mapOf({}) }),
            },
            gateway: object({ type: str, tags: stringMap }),
          }),
        }),
        dataplaneInsight: ref('DataplaneInsightView'),
        proxyType: {
          type: ['string', 'null'],
          enum: ['envoy', 'grpc', null],
          description: 'Koguma: the proxy the node said it is (grpc: proxyless); null until one has connected',
        },
      },
      ['type', 'mesh', 'name', 'dataplane'],
    ),
    MeshInsightView: object(
      {
        type: str,
        name: str,
        creationTime: str,
        modificationTime: str,
        dataplanes: counts,
        policies: mapOf(object({ total: int })),
        dpVersions: object({ kumaDp: mapOf(counts), envoy: mapOf(counts) }),
        mTLS: object({ issuedBackends: mapOf(counts), supportedBackends: mapOf(counts) }),
        services: object({ total: int, internal: int, external: int }),
        dataplanesByType: mapOf(counts),
        resources: mapOf(object({ total: int })),
      },
      ['name'],
    ),
    ServiceInsightView: object(
      {
        type: str,
        mesh: str,
        name: str,
        creationTime: str,
        modificationTime: str,
        status: { type: 'string', enum: ['online', 'offline', 'partially_degraded', 'not_available'] },
        serviceType: str,
        addressPort: str,
        dataplanes: object({ total: int, online: int, offline: int }),
        issuedBackends: mapOf(int),
      },
      ['mesh', 'name'],
    ),
    GlobalInsight: object({
      createdAt: str,
      services: object({ total: int, internal: counts, gatewayBuiltin: counts, gatewayDelegated: counts }),
      dataplanes: object({ standard: counts, gatewayBuiltin: counts, gatewayDelegated: counts }),
      policies: object({ total: int }),
      meshes: object({ total: int }),
      resources: mapOf(object({ total: int })),
    }),
    ResourceMeta: meta,
    AnyResource: object(
      {
        type: str,
        mesh: str,
        name: str,
        creationTime: str,
        modificationTime: str,
        labels: stringMap,
        kri: str,
        spec: mapOf({}),
        status: mapOf({}),
      },
      ['type', 'name'],
    ),
    CaCertificate: object({ subject: str, notBefore: str, notAfter: str, fingerprint: str }, [
      'subject',
      'notBefore',
      'notAfter',
      'fingerprint',
    ]),
    MeshCa: object(
      {
        mesh: str,
        state: { type: 'string', enum: ['pending', 'disabled', 'enabled'] },
        backend: str,
        mode: { type: 'string', enum: ['STRICT', 'PERMISSIVE'] },
        issuer: ref('CaCertificate'),
        trusted: { type: 'array', items: ref('CaCertificate') },
      },
      ['mesh', 'state'],
    ),
    ...zoneOverviewSchemas(resourceOverviewMeta),
    DataplaneRules: object(
      {
        resource: resourceMeta,
        rules: {
          type: 'array',
          items: object(
            {
              type: str,
              warnings: strings,
              toRules: {
                type: 'array',
                items: object({
                  conf: {},
                  matchers: { type: 'array', items: object({ key: str, not: bool, value: str }) },
                  origin: { type: 'array', items: resourceMeta },
                }),
              },
              toResourceRules: {
                type: 'array',
                items: object({
                  conf: { type: 'array', items: {} },
                  origin: { type: 'array', items: object({ resourceMeta, ruleIndex: int }) },
                  resourceMeta,
                  resourceSectionName: str,
                }),
              },
              fromRules: {
                type: 'array',
                items: object({
                  inbound: object({ name: str, port: int, tags: stringMap }),
                  rules: { type: 'array', items: object({ conf: {}, matchers: { type: 'array' }, origin: {} }) },
                }),
              },
              inboundRules: {
                type: 'array',
                items: object({
                  inbound: object({ name: str, port: int, tags: { type: ['object', 'null'] } }),
                  rules: {
                    type: 'array',
                    items: object({
                      conf: { type: 'array', items: {} },
                      origin: { type: 'array', items: object({ resourceMeta, ruleIndex: int }) },
                    }),
                  },
                }),
              },
            },
            ['type'],
          ),
        },
        httpMatches: { type: 'array', items: object({ hash: str, match: {} }) },
      },
      ['rules'],
    ),
    DataplaneExplanation: object(
      {
        mesh: str,
        name: str,
        flavour: { type: 'string', enum: ['envoy', 'grpc'] },
        policies: {
          type: 'array',
          items: object(
            {
              kind: str,
              matched: {
                type: 'array',
                items: object({ name: str, targetRef: {}, inbounds: { type: 'array', items: ref('InboundRef') } }, [
                  'name',
                  'inbounds',
                ]),
              },
              to: { type: 'array', items: ref('DestinationConf') },
              from: {
                type: 'array',
                items: object(
                  {
                    inbound: ref('InboundRef'),
                    rules: {
                      type: 'array',
                      items: object({ source: {}, conf: {}, policies: strings }, ['policies']),
                    },
                  },
                  ['inbound', 'rules'],
                ),
              },
              rules: {
                type: 'array',
                items: object(
                  {
                    inbound: ref('InboundRef'),
                    rules: {
                      type: 'array',
                      items: object({ match: {}, conf: {}, from: ref('PolicyEntryRef') }, ['from']),
                    },
                    catchAll: {},
                  },
                  ['inbound', 'rules'],
                ),
              },
              default: {},
              routeRules: {
                type: 'array',
                items: object(
                  {
                    route: str,
                    destination: object({ kind: str, name: str }, ['kind', 'name']),
                    conf: {},
                    from: { type: 'array', items: ref('PolicyEntryRef') },
                  },
                  ['route', 'destination', 'from'],
                ),
              },
            },
            ['kind', 'matched', 'to', 'from', 'rules'],
          ),
        },
        warnings: strings,
      },
      ['mesh', 'name', 'policies', 'warnings'],
    ),
    DataplaneLayout: object(
      {
        kri: str,
        labels: stringMap,
        inbounds: { type: 'array', items: object({ kri: str, port: int, protocol: str, proxyResourceName: str }) },
        listeners: {
          type: 'array',
          items: object({ kri: str, type: str, port: int, proxyResourceName: str }),
        },
        outbounds: { type: 'array', items: object({ kri: str, port: int, protocol: str, proxyResourceName: str }) },
      },
      ['kri', 'inbounds', 'listeners', 'outbounds'],
    ),
    InboundRef: object({ port: int, service: str, name: str }, ['port', 'service']),
    PolicyEntryRef: object({ name: str, index: int }, ['name']),
    DestinationConf: object(
      {
        destination: object({ kind: str, name: str }, ['kind', 'name']),
        conf: {},
        from: { type: 'array', items: ref('PolicyEntryRef') },
      },
      ['destination', 'from'],
    ),
    ServedXdsConfig: object(
      {
        mesh: str,
        name: str,
        built: bool,
        xds: mapOf(
          object(
            {
              typeUrl: str,
              version: str,
              resources: {
                type: 'array',
                items: object({ name: str, version: str, resource: {} }, ['name', 'resource']),
              },
            },
            ['typeUrl', 'resources'],
          ),
        ),
      },
      ['mesh', 'name', 'built', 'xds'],
    ),
  };
}

const resourceOverviewMeta = {
  type: str,
  name: str,
  creationTime: str,
  modificationTime: str,
  labels: stringMap,
  kri: str,
};

/** Zones and zone proxies with their insights (routes/zone-overviews.ts). */
function zoneOverviewSchemas(meta: Record<string, unknown>): Record<string, unknown> {
  const subscriptions = {
    type: 'array',
    items: object({
      id: str,
      controlPlaneInstanceId: str,
      globalInstanceId: str,
      zoneInstanceId: str,
      connectTime: str,
      disconnectTime: str,
      status: mapOf({}),
    }),
  };
  const insight = object({ subscriptions });
  const proxy = object({
    zone: str,
    networking: object({ address: str, advertisedAddress: str, port: int, advertisedPort: int }),
  });
  return {
    ZoneOverview: object({ ...meta, zone: object({ enabled: bool }), zoneInsight: insight }, ['name']),
    ZoneIngressOverview: object({ ...meta, zoneIngress: proxy, zoneIngressInsight: insight }, ['name']),
    ZoneEgressOverview: object({ ...meta, zoneEgress: proxy, zoneEgressInsight: insight }, ['name']),
  };
}

/** The view paths, by path. */
export function viewPaths(): Record<string, unknown> {
  const get = (tag: string, summary: string, responses: Record<string, unknown>, parameters: unknown[] = []) => ({
    get: { tags: [tag], summary, ...(parameters.length > 0 ? { parameters } : {}), responses },
  });
  const dataplane = [pathParam('mesh'), pathParam('name')];
  return {
    '/': get('Discovery', 'Who this control plane is', ok('The index', ref('Index'))),
    '/ready': get('Discovery', 'Whether the store answers', {
      ...ok('Ready', ref('Readiness')),
      503: { description: 'The store does not answer', ...json(ref('Readiness')) },
    }),
    '/who-am-i': get('Discovery', 'The caller as access control sees it', ok('The caller', ref('Caller'))),
    '/config': get('Discovery', 'The effective configuration', ok('The configuration', mapOf({}))),
    '/_resources': get('Discovery', 'Every kind served', ok('The kinds', ref('ResourceDescriptors'))),
    '/global-insight': get('Insights', 'Every mesh summed', ok('The insight', ref('GlobalInsight'))),
    '/mesh-insights': get('Insights', 'Each mesh counted', ok('A page', list(ref('MeshInsightView'))), listParameters),
    '/mesh-insights/{mesh}': get(
      'Insights',
      'One mesh counted',
      { ...ok('The insight', ref('MeshInsightView')), ...notFound },
      [pathParam('mesh')],
    ),
    '/meshes/{mesh}/service-insights': get(
      'Insights',
      "A mesh's services and their dataplanes' status",
      ok('A page', list(ref('ServiceInsightView'))),
      [pathParam('mesh'), ...listParameters],
    ),
    '/dataplanes/_overview': get(
      'Dataplanes',
      'Dataplanes of every mesh with their status',
      ok('A page', list(ref('DataplaneOverview'))),
      overviewParameters,
    ),
    '/meshes/{mesh}/dataplanes/_overview': get(
      'Dataplanes',
      "A mesh's dataplanes with their status",
      ok('A page', list(ref('DataplaneOverview'))),
      [pathParam('mesh'), ...overviewParameters],
    ),
    '/meshes/{mesh}/dataplanes/{name}/_overview': get(
      'Dataplanes',
      'One dataplane with its status',
      { ...ok('The overview', ref('DataplaneOverview')), ...notFound },
      dataplane,
    ),
    '/meshes/{mesh}/dataplanes/{name}/_layout': get(
      'Inspection',
      "A proxy's inbounds, listeners and outbounds by KRI (meshes with MeshServices on)",
      {
        ...ok('The layout', ref('DataplaneLayout')),
        400: { description: 'MeshServices are off in the mesh', ...json(ref('Error')) },
        ...notFound,
      },
      dataplane,
    ),
    '/meshes/{mesh}/dataplanes/{name}/_rules': get(
      'Inspection',
      "The policies' merged rules for one dataplane (Kuma's shape; Koguma's explanation with format=koguma)",
      { ...ok('The rules', { oneOf: [ref('DataplaneRules'), ref('DataplaneExplanation')] }), ...notFound },
      [...dataplane, { name: 'format', in: 'query', schema: { type: 'string', enum: ['kuma', 'koguma'] } }],
    ),
    '/meshes/{mesh}/dataplanes/{name}/_config': get(
      'Inspection',
      'The xDS configuration served to one dataplane (administrators)',
      {
        ...ok('The configuration', {
          oneOf: [object({ mesh: str, name: str, built: bool, xds: mapOf({}), diff: {} }), ref('ServedXdsConfig')],
        }),
        403: { description: 'Not an administrator', ...json(ref('Error')) },
        ...notFound,
      },
      [
        ...dataplane,
        { name: 'format', in: 'query', description: '`koguma`: what this instance serves now', schema: str },
        { name: 'shadow', in: 'query', schema: bool },
        { name: 'include', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['diff'] } } },
      ],
    ),
    '/meshes/{mesh}/{plural}/{name}/_resources/dataplanes': get(
      'Inspection',
      'The dataplanes a policy selects',
      { ...ok('A page', list(ref('ResourceMeta'))), ...notFound },
      [pathParam('mesh'), pathParam('plural'), pathParam('name'), ...listParameters],
    ),
    '/{plural}': get(
      'Resources',
      'Any mesh-scoped kind across meshes, by its plural (`meshtimeouts`); each kind also has its own path',
      ok('A page', list(ref('AnyResource'))),
      [pathParam('plural'), ...listParameters],
    ),
    '/meshes/{mesh}/{plural}': get(
      'Resources',
      'Any kind in one mesh, by its plural; each kind also has its own path',
      { ...ok('A page', list(ref('AnyResource'))), ...notFound },
      [pathParam('mesh'), pathParam('plural'), ...listParameters],
    ),
    '/meshes/{mesh}/{plural}/{name}': get(
      'Resources',
      'One resource of any kind in a mesh, by its plural; each kind also has its own path',
      { ...ok('The resource', ref('AnyResource')), ...notFound },
      [pathParam('mesh'), pathParam('plural'), pathParam('name')],
    ),
    '/meshes/{mesh}/_ca': get(
      'Inspection',
      "The mesh's CA as this instance holds it: backend, mode, issuer and trusted roots with their validity",
      { ...ok('The CA', ref('MeshCa')), ...notFound },
      [pathParam('mesh')],
    ),
    '/zones/_overview': get(
      'Zones',
      'Zones with their insights',
      ok('A page', list(ref('ZoneOverview'))),
      listParameters,
    ),
    '/zoneingresses/_overview': get(
      'Zones',
      'Zone ingresses with their insights',
      ok('A page', list(ref('ZoneIngressOverview'))),
      listParameters,
    ),
    '/zoneegresses/_overview': get(
      'Zones',
      'Zone egresses with their insights',
      ok('A page', list(ref('ZoneEgressOverview'))),
      listParameters,
    ),
    '/meshes/{mesh}/meshservices/{name}/_dataplanes': get(
      'Inspection',
      'The dataplanes behind a MeshService',
      { ...ok('A page', list(ref('ResourceMeta'))), ...notFound },
      [pathParam('mesh'), pathParam('name'), ...listParameters],
    ),
  };
}
