/**
 * The composition root: the only module that knows every component. It builds
 * them from the configuration, wires them together, and tears them down in
 * reverse order.
 *
 *   config ─► store ─► resource manager ─► default mesh
 *                │            ├─────────► REST API (fastify) ◄── API credentials (data dir)
 *                │            └─────────► dataplane lifecycle ◄── xDS streams
 *                ├─► mesh engine ─► snapshot publisher (proxy build) ─► snapshot cache ─► DP server (xDS, /bootstrap)
 *                └─► dataplane auth (--dp-auth) ──────────────────────────────────────────────┘
 *   agents' admin channels (DP server) ─► admin tunnels ─► REST `xds`, `stats`, `clusters`
 */
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { ResourceManager } from '../manager/index.js';
import { InsightIndex, proxiesByInstance, type KindFacts } from '../insights/index.js';
import { MeshEngine } from '../mesh/index.js';
import { buildApiServer } from '../server/index.js';
import { createStore, type ResourceStore } from '../store/index.js';
import { createBootstrapHandler } from '../xds/bootstrap/index.js';
import { ProxyBuild } from '../xds/build/index.js';
import {
  AdminTunnels,
  AgentReports,
  MemorySnapshotCache,
  ProxyStatusRegistry,
  startDpServer,
  type BootstrapHandler,
} from '../xds/server/index.js';
import { createIssuanceLimiter } from '../mtls/index.js';
import { MeshSecurityRegistry } from '../mtls/index.js';
import {
  ConsistencyGate,
  DataplaneLifecycle,
  InsightRecorder,
  LeaseKeeper,
  SubscriptionFinalizer,
  SnapshotPublisher,
  WorkloadIdentities,
} from '../xds/sync/index.js';
import { prepareApiCredentials } from './api-credentials.js';
import { kindRegistry, policyKindNames, policyPlugins } from './catalogue.js';
import { publicConfig, type ControlPlaneConfig } from './config.js';
import { dataplaneAuthFor } from './dataplane-auth.js';
import { meshServiceStatuses } from './meshservice-status.js';
import { ControlPlaneMetrics } from './metrics.js';
import { keepDpServerTlsFresh, loadDpServerTls, type DpServerTlsOptions } from './dp-server-tls.js';
import { productVersion } from '../api/index.js';

export interface RunningControlPlane {
  readonly config: ControlPlaneConfig;
  /** Base URL of the REST API, with the port actually bound. */
  readonly apiUrl: string;
  /** Base URL of the DP server (xDS and /bootstrap), with the port actually bound: https:// unless --xds-tls false. */
  readonly xdsUrl: string;
  /** The CA file data planes trust (`dp run --ca-cert-file`) when the DP server's certificate was generated. */
  readonly xdsCaCertFile?: string;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly logger: Logger;
  /** Resolves once every store change committed so far has reached the mesh engine (tests read what follows from a write). */
  settled(): Promise<void>;
  /** Stops accepting requests and streams, finishes those in flight, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** A logger to use instead of one built from `config.logLevel` (tests pass a silent one). */
  readonly logger?: Logger;
}

type Closer = () => Promise<void> | void;

export async function startControlPlane(
  config: ControlPlaneConfig,
  options: StartOptions = {},
): Promise<RunningControlPlane> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { instance: config.instanceId } });
  const rawStore = await createStore({
    type: config.store,
    dataDir: config.dataDir,
    postgresUrl: config.postgresUrl,
    indexTags: kindRegistry.indexTags,
    logger: logger.child({ component: 'store' }),
  });
  // Torn down in reverse order of start; the store is last.
  const closers: Closer[] = [() => rawStore.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    // This instance's own metrics (`GET /metrics`); the proxies are read at each scrape.
    let status: ProxyStatusRegistry | undefined;
    const metrics = new ControlPlaneMetrics({ instanceId: config.instanceId, proxies: () => status?.list() ?? [] });
    const store = metrics.observeStore(rawStore);
    const manager = new ResourceManager(store, kindRegistry, config.mode);
    await manager.ensureDefaultMesh();
    await manager.ensureDefaultHostnameGenerators();
    const credentials = await prepareApiCredentials(config.dataDir, logger);

    const xdsLogger = logger.child({ component: 'xds' });
    const dpAuth = dataplaneAuthFor(config.dpAuth, store, xdsLogger);
    closers.push(() => dpAuth.close());
    const cache = new MemorySnapshotCache({
      onListenerError: (err, nodeId) => xdsLogger.error({ err, nodeId }, 'snapshot listener failed'),
    });
    status = new ProxyStatusRegistry(config.instanceId);
    // Mesh mTLS: CAs per mesh, and certificates per proxy; both rebuild proxies through the engine when they change.
    let engine: MeshEngine | undefined;
    const mtlsLogger = logger.child({ component: 'mtls' });
    const meshSecurity = new MeshSecurityRegistry({
      store,
      switchDelayMs: config.mtlsCaSwitchDelayMs,
      onChange: (mesh) => engine?.refreshMesh(mesh),
      logger: mtlsLogger,
    });
    closers.push(() => meshSecurity.close());
    const limiter = createIssuanceLimiter({ ratePerSecond: config.certIssuanceRate, burst: config.certIssuanceRate });
    // Each proxy's DataplaneInsight, written by this instance while it holds the proxy's stream.
    let recorder: InsightRecorder | undefined;
    const identities = new WorkloadIdentities({
      limiter,
      onCertificateIssued: metrics.certificateIssued,
      onIssued: (nodeId) => {
        engine?.refresh([nodeId]);
        recorder?.mark(nodeId);
      },
      logger: mtlsLogger,
    });
    closers.push(() => {
      identities.close();
      limiter.close();
    });
    const consistency = new ConsistencyGate({ log: xdsLogger });
    const proxyBuild = new ProxyBuild({ plugins: policyPlugins, security: { meshes: meshSecurity, identities } });
    const publisher = new SnapshotPublisher(cache, proxyBuild, consistency, metrics.publishing);
    engine = new MeshEngine({
      store,
      sink: publisher,
      debounceMs: config.xdsDebounceMs,
      policyKinds: policyKindNames,
      logger: logger.child({ component: 'engine' }),
      meshListener: meshSecurity,
    });
    await engine.start();
    closers.push(() => engine.stop());
    // Every mesh's insights, from the change feed: what this instance serves whichever instance a proxy uses.
    const insightIndex = new InsightIndex({
      store,
      kinds: kindRegistry.kinds.map((kind) => kind.name),
      logger: logger.child({ component: 'insights' }),
    });
    await insightIndex.start();
    closers.push(() => insightIndex.stop());
    recorder = new InsightRecorder({
      registry: status,
      store,
      certificates: identities,
      flushMs: config.insightFlushMs,
      logger: xdsLogger,
    });
    const insightRecorder = recorder;
    // Subscriptions gone instances left open: a previous life of this id's now, before any stream here.
    // What this instance says of itself with each heartbeat (`GET /_instances`); the URLs once known.
    const about: { hostname: string; apiUrl?: string; xdsUrl?: string } = { hostname: hostname() };
    const leases = store.leases(config.instanceId, () => ({ ...about }));
    const finalizer = new SubscriptionFinalizer({
      leases,
      store,
      instanceTtlMs: config.instanceTtlMs,
      logger: xdsLogger,
    });
    await finalizer.closeOwn();
    // Registration leases: this instance's heartbeat, the removal of proxies gone from any
    // instance, and the closing of dead instances' subscriptions.
    const leaseKeeper = new LeaseKeeper({
      leases,
      removalDelayMs: config.dataplaneRemovalDelayMs,
      instanceTtlMs: config.instanceTtlMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      logger: xdsLogger,
      subscriptions: finalizer,
    });
    await leaseKeeper.start();
    // Runs after the DP server closed (closers run last first): the streams' ends are written, what
    // could not be is closed now, and only then is this instance's heartbeat withdrawn.
    closers.push(async () => {
      await insightRecorder.close();
      await finalizer.closeOwn(new Date());
      await leaseKeeper.stop();
    });
    const lifecycle = new DataplaneLifecycle({ manager, engine, leases: leaseKeeper, logger: xdsLogger });
    closers.push(() => lifecycle.stop());

    // The DP server's certificate: given, or generated under the data dir (dp-server-tls.ts).
    const tlsOptions: DpServerTlsOptions = {
      dataDir: config.dataDir,
      xdsAddress: config.xdsAddress,
      ...(config.tlsCertFile === '' ? {} : { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile }),
      log: { info: (message) => xdsLogger.info(message), warn: (message) => xdsLogger.warn(message) },
    };
    const dpTls = config.xdsTls ? await loadDpServerTls(tlsOptions) : undefined;
    // The bootstrap names the DP server's port, known only once it listens.
    let bootstrap: BootstrapHandler | undefined;
    const adminTunnels = new AdminTunnels();
    const agentReports = new AgentReports();
    const dp = await startDpServer({
      host: config.xdsAddress,
      port: config.xdsPort,
      ...(dpTls === undefined ? {} : { tls: dpTls }),
      logger: xdsLogger,
      bootstrapHandler: (body, accept) => bootstrap!(body, accept),
      streamLimits: {
        maxStreamsPerConnection: config.xdsMaxStreamsPerConnection,
        maxPendingStreamsPerConnection: config.xdsMaxPendingStreamsPerConnection,
        firstRequestTimeoutMs: config.xdsFirstRequestTimeoutMs,
        maxStreamsPerDataplane: config.xdsMaxStreamsPerDataplane,
      },
      adminTunnels,
      onLeaving: (identity) => lifecycle.leaving(identity),
      agentReports,
      ads: {
        snapshots: cache,
        status: metrics.observeStreams(recorder),
        identify: dpAuth.identify,
        onStreamOpen: (identity, stream) => lifecycle.open(identity, stream),
        onStreamReady: (identity, stream) => lifecycle.ready(identity, stream),
        onStreamClose: (identity, stream) => lifecycle.close(identity, stream),
        controlPlaneId: config.instanceId,
        logger: xdsLogger,
      },
    });
    closers.push(() => dp.close());
    about.xdsUrl = dp.url;
    if (dpTls !== undefined) {
      const stopRenewal = keepDpServerTlsFresh(
        tlsOptions,
        dpTls,
        (tls) => dp.replaceCertificate(tls),
        (err) => xdsLogger.error({ err }, 'cannot renew the DP server certificate; the current one is still served'),
      );
      closers.push(stopRenewal);
    }
    // Bound to every interface: proxies need a name they can reach, not 0.0.0.0.
    const advertised = dp.host === '0.0.0.0' || dp.host === '::' ? hostname() : dp.host;
    bootstrap = createBootstrapHandler({
      manager,
      xdsAddress: advertised,
      xdsPort: dp.port,
      ...(dpAuth.bootstrap === undefined ? {} : { dataplaneAuth: dpAuth.bootstrap }),
      ...(dpTls === undefined ? {} : { adsTls: dpTls.ca === undefined ? {} : { caPem: dpTls.ca.pem } }),
    });
    if (dpTls === undefined) {
      logger.warn(
        'DP server without TLS (--xds-tls false): dataplane tokens and certificates cross the network in clear; for development only',
      );
    }
    const caCertFile = dpTls?.ca?.file;
    logger.info(
      { xdsUrl: dp.url, ...(caCertFile === undefined ? {} : { caCertFile }) },
      `DP server (xDS, /bootstrap) listening on ${dp.url}` +
        (caCertFile !== undefined
          ? `; data planes trust its CA with --ca-cert-file ${caCertFile}`
          : dpTls !== undefined
            ? `; certificate ${config.tlsCertFile}`
            : ''),
    );

    const api = await buildApiServer({
      manager,
      registry: kindRegistry,
      logger: logger.child({ component: 'api' }),
      bodyLimitBytes: config.bodyLimitBytes,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      corsAllowedOrigins: config.apiCorsAllowedOrigins,
      index: {
        product: 'Koguma',
        version: productVersion,
        instanceId: config.instanceId,
        clusterId: await store.clusterId(),
      },
      config: publicConfig(config),
      inspection: {
        status,
        snapshots: cache,
        configPreview: (mesh, name, shadow) => {
          const context = engine?.contextOf(mesh, name, shadow);
          return context === undefined ? undefined : proxyBuild.inspect(context)?.resources;
        },
        certificates: identities,
        insights: insightIndex,
        policies: {
          contextOf: (mesh, name) => engine?.contextOf(mesh, name),
          gatewayContextOf: (mesh, name) => engine?.gatewayContextOf(mesh, name),
          dataplanesOf: (mesh) => engine?.dataplanesOf(mesh) ?? [],
          warningsOf: (nodeId) => publisher.warningsOf(nodeId),
        },
        envoyAdmin: adminTunnels,
        agentReports,
        consistency,
        meshCa: meshSecurity,
      },
      insights: {
        index: insightIndex,
        kinds: kindRegistry.kinds.map((kind): KindFacts => ({
          name: kind.name,
          scope: kind.scope,
          isPolicy: kind.policy !== undefined,
        })),
      },
      proxyChanges: insightIndex,
      metrics: { requestAnswered: metrics.requestAnswered, scrape: () => metrics.scrape() },
      instances: {
        list: () => leases.instances(),
        proxiesByInstance: () => proxiesByInstance(insightIndex.insightRecords()),
        instanceTtlMs: config.instanceTtlMs,
        self: config.instanceId,
      },
      readTimeStatus: {
        MeshService: meshServiceStatuses({ store, insights: insightIndex, global: config.mode === 'global' }),
      },
      access: {
        userTokenKey: credentials.userTokenKey,
        localhostIsAdmin: config.localhostIsAdmin,
        readOnly: config.apiReadOnly,
        adminTokenHint: credentials.adminTokenFile,
      },
    });
    // Shutdown order (closers run last first): the API drains (new requests
    // get 503, those in flight finish within --shutdown-timeout) before
    // anything below it closes, so an acknowledged write is always committed
    // and still reaches connected proxies; then the DP server ends xDS streams
    // with UNAVAILABLE; then the engine, and the store last.
    closers.push(() => api.close());
    const address = await api.listen({ host: config.apiAddress, port: config.apiPort });
    const apiUrl = address.replace('[::1]', '127.0.0.1');
    about.apiUrl = apiUrl;
    // Said at once rather than at the next heartbeat: `GET /_instances` shows where this instance listens.
    await leases.heartbeat().catch((err: unknown) => logger.warn({ err }, 'cannot record this instance'));
    logger.info({ apiUrl, store: store.description }, `REST API listening on ${apiUrl}; store: ${store.description}`);

    let closing: Promise<void> | undefined;
    return {
      config,
      apiUrl,
      xdsUrl: dp.url,
      ...(caCertFile === undefined ? {} : { xdsCaCertFile: caCertFile }),
      store,
      manager,
      logger,
      settled: async () => {
        await store.delivered(await store.head());
        await Promise.all([engine.settled(), insightIndex.settled()]);
      },
      close: () => {
        closing ??= closeAll().then(() => logger.info('control plane stopped'));
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
