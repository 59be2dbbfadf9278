/**
 * The OpenAPI description of the endpoints that are not a kind's CRUD and
 * that a client such as the GUI reads: discovery, readiness, dataplane
 * overviews and inspection, insights, instances, NACKs and the event
 * stream, with response schemas precise enough for a typed client. The
 * Dataplane's own schema (from the kind registry) is reused for an
 * overview's `dataplane`; the rest are the shapes the routes answer.
 */
type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errorResponse = (description: string) => ({ description, ...json(ref('Error')) });
const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const strings = { type: 'array', items: str };
const object = (
  properties: Record<string, unknown>,
  required: readonly string[] = Object.keys(properties),
): Schema => ({
  type: 'object',
  required: [...required],
  properties,
});
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: str });
const query = (name: string, description: string, schema: unknown = str) => ({
  name,
  in: 'query',
  description,
  schema,
});
const get = (tag: string, summary: string, schema: unknown, more: Record<string, unknown> = {}) => ({
  get: {
    tags: [tag],
    summary,
    ...more,
    responses: {
      200: { description: summary, ...json(schema) },
      400: errorResponse('Bad parameters'),
      404: errorResponse('Not found'),
    },
  },
});
const page = (item: unknown) =>
  object({ total: int, items: { type: 'array', items: item }, next: { type: ['string', 'null'] } });

/** A status count: `{total, online, offline, partiallyDegraded}`. */
const stat = object({ total: int, online: int, offline: int, partiallyDegraded: int }, ['total']);

/** The meta an overview keeps at its top, removed from the Dataplane's schema for its `dataplane`. */
const META = ['type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels', 'kri'];

function specOnly(document: Schema): Schema {
  const properties = { ...(document['properties'] as Record<string, unknown>) };
  for (const key of META) delete properties[key];
  const required = ((document['required'] as string[] | undefined) ?? []).filter((key) => !META.includes(key));
  return { ...document, properties, required };
}

const typeStatus = object(
  {
    responsesSent: str,
    responsesAcknowledged: str,
    responsesRejected: str,
    sentVersion: str,
    lastSentTime: time,
    ackedVersion: str,
    lastAckTime: time,
    lastNack: object({ version: str, error: str, time }),
  },
  [],
);

export function readSchemas(dataplane: Schema): Record<string, unknown> {
  return {
    IndexInfo: object({
      hostname: str,
      tagline: str,
      product: str,
      version: str,
      basedOnKuma: str,
      instanceId: str,
      clusterId: str,
      gui: str,
    }),
    Readiness: object({
      ready: bool,
      store: object({ available: bool, unavailableSince: time, reason: str }, ['available']),
    }),
    Caller: object({ name: str, groups: strings }),
    ResourceTypes: object({
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
            includeInFederation: bool,
            shortName: str,
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
    }),
    PolicyTypes: object({
      policies: {
        type: 'array',
        items: object({
          name: str,
          readOnly: bool,
          path: str,
          singularDisplayName: str,
          pluralDisplayName: str,
          isExperimental: bool,
          isTargetRefBased: bool,
          isInbound: bool,
          isOutbound: bool,
        }),
      },
    }),
    DiscoverySubscription: object(
      {
        id: str,
        controlPlaneInstanceId: str,
        connectTime: time,
        disconnectTime: time,
        status: {
          type: 'object',
          properties: { lastUpdateTime: time, total: typeStatus },
          additionalProperties: typeStatus,
          description: 'Per resource type (cds, eds, lds, rds, sds) and in total',
        },
        version: { type: 'object', additionalProperties: true },
        generation: int,
        protocol: { type: 'string', enum: ['sotw', 'delta'] },
      },
      ['id', 'controlPlaneInstanceId', 'connectTime', 'status'],
    ),
    DataplaneInsight: object(
      {
        subscriptions: { type: 'array', items: ref('DiscoverySubscription') },
        connected: bool,
        mTLS: object(
          {
            certificateExpirationTime: time,
            lastCertificateRegeneration: time,
            certificateRegenerations: int,
            issuedBackend: str,
            supportedBackends: strings,
          },
          [],
        ),
        metadata: object({ features: strings, proxyType: { type: 'string', enum: ['envoy', 'grpc'] } }, []),
        envoy: object({ state: str, reason: str, time }),
        consistencyError: object({ error: str, problems: strings, time }),
      },
      ['subscriptions', 'connected'],
    ),
    DataplaneOverview: object(
      {
        type: { type: 'string', const: 'DataplaneOverview' },
        mesh: str,
        name: str,
        creationTime: time,
        modificationTime: time,
        labels: { type: 'object', additionalProperties: str },
        kri: str,
        dataplane: specOnly(dataplane),
        dataplaneInsight: ref('DataplaneInsight'),
        proxyType: {
          type: ['string', 'null'],
          enum: ['envoy', 'grpc', null],
          description: 'Koguma: the proxy the node said it is; null until one has connected',
        },
      },
      ['type', 'mesh', 'name', 'creationTime', 'modificationTime', 'dataplane', 'proxyType'],
    ),
    DataplaneOverviewList: page(ref('DataplaneOverview')),
    MeshInsight: object(
      {
        type: { type: 'string', const: 'MeshInsight' },
        name: str,
        creationTime: time,
        modificationTime: time,
        dataplanes: stat,
        policies: { type: 'object', additionalProperties: object({ total: int }) },
        dpVersions: object({
          kumaDp: { type: 'object', additionalProperties: stat },
          envoy: { type: 'object', additionalProperties: stat },
        }),
        mTLS: object({
          issuedBackends: { type: 'object', additionalProperties: stat },
          supportedBackends: { type: 'object', additionalProperties: stat },
        }),
        services: object({ total: int, internal: int, external: int }),
        dataplanesByType: object({ standard: stat, gateway: stat, gatewayBuiltin: stat, gatewayDelegated: stat }),
        resources: { type: 'object', additionalProperties: object({ total: int }) },
      },
      ['type', 'name', 'dataplanes'],
    ),
    ServiceInsightItem: object(
      {
        type: { type: 'string', const: 'ServiceInsight' },
        mesh: str,
        name: str,
        creationTime: time,
        modificationTime: time,
        status: { type: 'string', enum: ['online', 'offline', 'partially_degraded', 'not_available'] },
        dataplanes: object({ total: int, online: int, offline: int }, []),
        serviceType: str,
        addressPort: str,
      },
      ['type', 'mesh', 'name'],
    ),
    GlobalInsight: object({
      createdAt: time,
      services: { type: 'object', additionalProperties: true },
      zones: { type: 'object', additionalProperties: object({ online: int, total: int }) },
      dataplanes: object({ standard: stat, gatewayBuiltin: stat, gatewayDelegated: stat }),
      policies: object({ total: int }),
      meshes: object({ total: int }),
      resources: { type: 'object', additionalProperties: object({ total: int }) },
    }),
    ControlPlaneInstance: object(
      {
        id: str,
        hostname: str,
        apiUrl: str,
        xdsUrl: str,
        startTime: time,
        lastHeartbeat: time,
        alive: bool,
        self: bool,
        proxies: int,
      },
      ['id', 'startTime', 'lastHeartbeat', 'alive', 'self', 'proxies'],
    ),
    ControlPlaneInstanceList: object({ total: int, items: { type: 'array', items: ref('ControlPlaneInstance') } }),
    Nack: object({
      mesh: str,
      name: str,
      type: { type: 'string', enum: ['cds', 'eds', 'lds', 'rds', 'sds'] },
      time,
      version: str,
      error: str,
      instance: str,
    }),
    NackList: object({ items: { type: 'array', items: ref('Nack') } }),
    EventHello: object({
      instance: str,
      store: object({ available: bool, since: time, reason: str }, ['available']),
      time,
    }),
    EventResource: object({
      op: { type: 'string', enum: ['create', 'update', 'delete'] },
      type: str,
      mesh: { type: ['string', 'null'] },
      name: str,
      version: int,
    }),
    EventProxy: object(
      {
        mesh: str,
        name: str,
        change: { type: 'string', enum: ['connected', 'disconnected', 'ack', 'nack'] },
        connected: bool,
        instance: { type: ['string', 'null'] },
        time,
        type: str,
        version: str,
        error: str,
      },
      ['mesh', 'name', 'change', 'connected', 'instance', 'time'],
    ),
    EventOverflow: object({ reason: str }),
    Rules: {
      type: 'object',
      description:
        "Kuma's `{resource, rules, httpMatches}`; with `format=koguma`, `{mesh, name, flavour, policies, warnings}`",
      additionalProperties: true,
      properties: {
        resource: { type: 'object', additionalProperties: true },
        rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
        httpMatches: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
    ServedConfig: {
      type: 'object',
      description:
        "Kuma's `{xds: {TYPE_URL: {NAME: resource}}, diff?}`; with `format=koguma`, `{mesh, name, built, xds: {TYPE: {typeUrl, version, resources}}}`",
      additionalProperties: true,
      properties: { xds: { type: 'object', additionalProperties: true }, diff: {} },
    },
  };
}

const overviewFilters = [
  query('size', 'Page size', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
  query('offset', 'Items to skip', { type: 'integer', minimum: 0, default: 0 }),
  query('name', 'Substring of the name'),
  query('tag', 'KEY:VALUE, repeatable', { type: 'array', items: str }),
  query('gateway', 'Gateway dataplanes or the others', {
    type: 'string',
    enum: ['true', 'false', 'builtin', 'delegated'],
  }),
  query('status', 'Comma-separated: online, offline, partially_degraded (Koguma)', str),
  query('proxyType', 'Comma-separated: envoy, grpc (Koguma)', str),
];

export function readPaths(): Record<string, unknown> {
  const mesh = pathParam('mesh');
  const name = pathParam('name');
  const paged = [
    query('size', 'Page size', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
    query('offset', 'Items to skip', { type: 'integer', minimum: 0, default: 0 }),
    query('name', 'Substring of the name'),
  ];
  return {
    '/': get('Discovery', 'This control plane', ref('IndexInfo')),
    '/ready': {
      get: {
        tags: ['Discovery'],
        summary: 'Whether the store answers',
        responses: {
          200: { description: 'Ready', ...json(ref('Readiness')) },
          503: { description: 'The store does not answer', ...json(ref('Readiness')) },
        },
      },
    },
    '/who-am-i': get('Discovery', 'The caller, as access control sees it', ref('Caller')),
    '/config': get('Discovery', 'The effective configuration', { type: 'object', additionalProperties: true }),
    '/_resources': get('Discovery', 'Every kind', ref('ResourceTypes')),
    '/policies': get('Discovery', 'Every policy kind', ref('PolicyTypes')),
    '/_events': {
      get: {
        tags: ['Events'],
        summary:
          'Server-sent events: hello, resource, resync, proxy, overflow (data: EventHello, EventResource, {}, EventProxy, EventOverflow)',
        parameters: [query('mesh', 'Only the events of this mesh')],
        responses: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: str } } },
          503: errorResponse('Too many streams'),
        },
      },
    },
    '/_instances': get('Status', 'The control-plane instances sharing the store', ref('ControlPlaneInstanceList')),
    '/_nacks': get('Status', 'The newest NACKs, newest first', ref('NackList'), {
      parameters: [query('size', 'How many', { type: 'integer', minimum: 1, maximum: 100, default: 20 })],
    }),
    '/meshes/{mesh}/dataplanes/_overview': get('Status', "A mesh's dataplane overviews", ref('DataplaneOverviewList'), {
      parameters: [mesh, ...overviewFilters],
    }),
    '/dataplanes/_overview': get('Status', 'Dataplane overviews of every mesh', ref('DataplaneOverviewList'), {
      parameters: overviewFilters,
    }),
    '/meshes/{mesh}/dataplanes/{name}/_overview': get('Status', "A dataplane's overview", ref('DataplaneOverview'), {
      parameters: [mesh, name],
    }),
    '/meshes/{mesh}/dataplanes/{name}/_rules': get(
      'Inspection',
      'The policies that apply to a dataplane',
      ref('Rules'),
      {
        parameters: [
          mesh,
          name,
          query('format', "`koguma` for Koguma's explanation", { type: 'string', enum: ['koguma'] }),
        ],
      },
    ),
    '/meshes/{mesh}/dataplanes/{name}/_config': get(
      'Inspection',
      "A dataplane's configuration (administrators only)",
      ref('ServedConfig'),
      {
        parameters: [
          mesh,
          name,
          query('format', '`koguma` for what is served now'),
          query('shadow', 'true: with shadow policies'),
        ],
        security: [{ bearer: [] }],
      },
    ),
    '/mesh-insights': get('Insights', "Every mesh's insight", page(ref('MeshInsight')), { parameters: paged }),
    '/meshes/{mesh}/service-insights': get('Insights', "A mesh's services", page(ref('ServiceInsightItem')), {
      parameters: [
        mesh,
        ...paged,
        query('type', 'Comma-separated: internal, external, gateway_delegated, gateway_builtin'),
      ],
    }),
    '/global-insight': get('Insights', 'Every mesh summed', ref('GlobalInsight')),
  };
}
