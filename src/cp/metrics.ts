/**
 * The control plane's own metrics, served on `GET /metrics` in Prometheus's
 * text format (docs/observability.md lists each). One registry per running
 * control plane, never prom-client's global one: tests start several in one
 * process. The parts that record know nothing of prom-client; the
 * composition root hands each a small hook made here:
 *
 *   xDS streams ──ProxyStatusSink (wrapped)──► responses, ACKs, NACKs, response-to-ACK, change-to-ACK
 *   proxy status registry ──read at scrape──► connected proxies
 *   engine ─(when a change arrived)─► snapshot publisher ──publishing──► config build time, change-to-ACK
 *   store (wrapped) ──► operation time and errors
 *   REST API ──onResponse──► requests by route and status
 *   workload identities ──onCertificateIssued──► certificates by mesh
 *   prom-client defaults (unprefixed: process_*, nodejs_*, event-loop lag included)
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResourceStore } from '../store/index.js';
import { shortNameOfType, type Snapshot, type TypeUrl } from '../xds/index.js';
import type { ProxyStatus, ProxyStatusSink, StreamStatusReporter } from '../xds/server/index.js';

/** The store operations timed; the others (watch, leases, delivered...) are subscriptions or waits, not operations. */
const STORE_OPERATIONS = ['get', 'list', 'create', 'createAll', 'update', 'delete', 'writeRecords', 'head'] as const;

const typeLabel = (typeUrl: TypeUrl): string => shortNameOfType[typeUrl]?.toLowerCase() ?? 'other';

export interface ControlPlaneMetricsOptions {
  readonly instanceId: string;
  /** The proxies this instance knows, read at each scrape. */
  readonly proxies: () => readonly ProxyStatus[];
}

export class ControlPlaneMetrics {
  readonly registry = new Registry();
  private readonly responses: Counter<'type'>;
  private readonly acks: Counter<'type'>;
  private readonly nacks: Counter<'type'>;
  private readonly ackLatency: Histogram<'type'>;
  private readonly buildTime: Histogram;
  private readonly storeTime: Histogram<'operation'>;
  private readonly storeErrors: Counter<'operation'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestTime: Histogram<'method' | 'route'>;
  private readonly certificates: Counter<'mesh'>;
  private readonly changeToAck: Histogram<'type'>;
  /** Per proxy and type, the version served for a change not yet ACKed, and when the engine learnt of the earliest such change. */
  private readonly unacked = new Map<string, Map<TypeUrl, { version: string; changedAt: number }>>();

  constructor(options: ControlPlaneMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'koguma_xds_connected_proxies',
      help: 'Proxies with an open xDS stream to this control-plane instance, by proxy type (envoy, grpc) and control-plane instance id (`cp_instance`: Prometheus keeps `instance` for the scrape target)',
      labelNames: ['type', 'cp_instance'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>([
          ['envoy', 0],
          ['grpc', 0],
        ]);
        for (const proxy of options.proxies()) {
          if (!proxy.connected) continue;
          const type = proxy.flavour ?? 'envoy';
          counts.set(type, (counts.get(type) ?? 0) + 1);
        }
        for (const [type, count] of counts) this.set({ type, cp_instance: options.instanceId }, count);
      },
    });
    this.responses = new Counter({
      name: 'koguma_xds_responses_sent_total',
      help: 'xDS responses sent to proxies, by resource type (cds, eds, lds, rds, sds)',
      labelNames: ['type'],
      registers,
    });
    this.acks = new Counter({
      name: 'koguma_xds_acks_total',
      help: 'xDS responses proxies acknowledged (ACK), by resource type',
      labelNames: ['type'],
      registers,
    });
    this.nacks = new Counter({
      name: 'koguma_xds_nacks_total',
      help: 'xDS responses proxies rejected (NACK), by resource type',
      labelNames: ['type'],
      registers,
    });
    this.ackLatency = new Histogram({
      name: 'koguma_xds_response_ack_seconds',
      help: 'Time from sending an xDS response to the proxy acknowledging it, by resource type',
      labelNames: ['type'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.changeToAck = new Histogram({
      name: 'koguma_xds_change_to_ack_seconds',
      help: "Time from the engine learning of a store change (or a certificate or CA change) to the proxy's ACK of the first response containing it, by resource type",
      labelNames: ['type'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.buildTime = new Histogram({
      name: 'koguma_xds_config_build_seconds',
      help: "Time to build one proxy's configuration (generators and policy plugins, encoding included)",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.storeTime = new Histogram({
      name: 'koguma_store_operation_seconds',
      help: 'Time of store operations, by operation (failed ones included)',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'koguma_store_operation_errors_total',
      help: 'Store operations that failed, by operation (conflicts and missing resources included)',
      labelNames: ['operation'],
      registers,
    });
    this.requests = new Counter({
      name: 'koguma_api_requests_total',
      help: 'REST API requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestTime = new Histogram({
      name: 'koguma_api_request_seconds',
      help: 'Time to answer REST API requests, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.certificates = new Counter({
      name: 'koguma_certificates_issued_total',
      help: 'Workload certificates issued to proxies, by mesh',
      labelNames: ['mesh'],
      registers,
    });
  }

  /** Counts what the streams report, then hands it on to `sink`. */
  observeStreams(sink: ProxyStatusSink): ProxyStatusSink {
    return {
      connected: (stream) => {
        const inner = sink.connected(stream);
        const sentAt = new Map<TypeUrl, { version: string; at: Date }>();
        const { nodeId } = stream;
        return {
          sent: (typeUrl, version, nonce, at) => {
            this.responses.inc({ type: typeLabel(typeUrl) });
            sentAt.set(typeUrl, { version, at });
            inner.sent(typeUrl, version, nonce, at);
          },
          acked: (typeUrl, version, at) => {
            const type = typeLabel(typeUrl);
            this.acks.inc({ type });
            const sent = sentAt.get(typeUrl);
            if (sent?.version === version) {
              this.ackLatency.observe({ type }, Math.max(0, at.getTime() - sent.at.getTime()) / 1000);
              sentAt.delete(typeUrl);
            }
            const change = this.unacked.get(nodeId)?.get(typeUrl);
            if (change?.version === version) {
              this.changeToAck.observe({ type }, Math.max(0, at.getTime() - change.changedAt) / 1000);
              this.unacked.get(nodeId)!.delete(typeUrl);
            }
            inner.acked(typeUrl, version, at);
          },
          nacked: (typeUrl, version, error, at) => {
            this.nacks.inc({ type: typeLabel(typeUrl) });
            sentAt.delete(typeUrl);
            this.unacked.get(nodeId)?.delete(typeUrl);
            inner.nacked(typeUrl, version, error, at);
          },
          disconnected: (at) => {
            if (!stream.certificatesOnly) this.unacked.delete(nodeId);
            inner.disconnected(at);
          },
        } satisfies StreamStatusReporter;
      },
    };
  }

  /** What the snapshot publisher reports: build times, and which served versions carry which change. */
  readonly publishing = {
    built: (seconds: number): void => this.buildTime.observe(seconds),
    published: (nodeId: string, snapshot: Snapshot, previous: Snapshot | undefined, changedAt: number): void => {
      let types = this.unacked.get(nodeId);
      for (const [typeUrl, version] of snapshot.versions) {
        if (previous?.versions.get(typeUrl) === version) continue;
        if (types === undefined) this.unacked.set(nodeId, (types = new Map()));
        // A newer version before the ACK of the last one carries the earlier change too.
        const earlier = types.get(typeUrl)?.changedAt ?? changedAt;
        types.set(typeUrl, { version, changedAt: Math.min(earlier, changedAt) });
      }
    },
  };

  /** One REST request answered; `route` is the route pattern (`undefined`: no route matched). */
  readonly requestAnswered = (method: string, route: string | undefined, status: number, seconds: number): void => {
    const labels = { method, route: route ?? 'unmatched' };
    this.requests.inc({ ...labels, status: String(status) });
    this.requestTime.observe(labels, seconds);
  };

  /** One workload certificate issued; `nodeId` is `<mesh>.<name>`. */
  readonly certificateIssued = (nodeId: string): void => {
    const dot = nodeId.indexOf('.');
    this.certificates.inc({ mesh: dot <= 0 ? nodeId : nodeId.slice(0, dot) });
  };

  /** The store, with its operations timed and their failures counted. */
  observeStore(store: ResourceStore): ResourceStore {
    const timed = new Map<PropertyKey, unknown>();
    for (const operation of STORE_OPERATIONS) {
      const original = store[operation] as (...args: unknown[]) => Promise<unknown>;
      timed.set(operation, async (...args: unknown[]) => {
        const end = this.storeTime.startTimer({ operation });
        try {
          return await original.apply(store, args);
        } catch (error) {
          this.storeErrors.inc({ operation });
          throw error;
        } finally {
          end();
        }
      });
    }
    // The other methods, bound to the store once each rather than on every call.
    const bound = new Map<PropertyKey, unknown>();
    return new Proxy(store, {
      get: (target, property) => {
        if (timed.has(property)) return timed.get(property);
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        let method = bound.get(property);
        if (method === undefined)
          bound.set(property, (method = (value as (...args: unknown[]) => unknown).bind(target)));
        return method;
      },
    });
  }

  /** What `GET /metrics` answers. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
