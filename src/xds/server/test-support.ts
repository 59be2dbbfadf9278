/**
 * Small resources, snapshots and requests for the xDS server's tests (unit
 * tests beside the modules and the network tests under test/xds-server).
 * Resource content is minimal: the server never looks inside a resource.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryRequest,
  type DiscoveryRequest,
} from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../resource-types.js';
import { buildSnapshot, encodeResource, type EncodedResource, type Snapshot } from '../snapshot.js';
import type { ProxyStatusSink, StreamInfo, StreamStatusReporter } from './proxy-status.js';

export const LDS = TypeUrl.Listener;
export const RDS = TypeUrl.RouteConfiguration;
export const CDS = TypeUrl.Cluster;
export const EDS = TypeUrl.ClusterLoadAssignment;
export const SDS = TypeUrl.Secret;

export const listener = (name: string, port = 10000): EncodedResource =>
  encodeResource(
    LDS,
    name,
    create(ListenerSchema, {
      name,
      address: {
        address: {
          case: 'socketAddress',
          value: { address: '0.0.0.0', portSpecifier: { case: 'portValue', value: port } },
        },
      },
    }),
  );

export const route = (name: string, cluster = 'backend'): EncodedResource =>
  encodeResource(
    RDS,
    name,
    create(RouteConfigurationSchema, { name, virtualHosts: [{ name: cluster, domains: ['*'] }] }),
  );

/** `timeoutSeconds` varies the content (and so the version) of an otherwise equal cluster. */
export const cluster = (name: string, timeoutSeconds = 5): EncodedResource =>
  encodeResource(CDS, name, create(ClusterSchema, { name, connectTimeout: { seconds: BigInt(timeoutSeconds) } }));

export const endpoints = (clusterName: string, ...ports: number[]): EncodedResource =>
  encodeResource(
    EDS,
    clusterName,
    create(ClusterLoadAssignmentSchema, {
      clusterName,
      endpoints: [
        {
          lbEndpoints: ports.map((port) => ({
            hostIdentifier: {
              case: 'endpoint' as const,
              value: {
                address: {
                  address: {
                    case: 'socketAddress' as const,
                    value: { address: '127.0.0.1', portSpecifier: { case: 'portValue' as const, value: port } },
                  },
                },
              },
            },
          })),
        },
      ],
    }),
  );

export const secret = (name: string): EncodedResource => encodeResource(SDS, name, create(SecretSchema, { name }));

export const snapshotOf = (...resources: EncodedResource[]): Snapshot => buildSnapshot(resources);

export const sotwRequest = (init: MessageInitShape<typeof DiscoveryRequestSchema>): DiscoveryRequest =>
  create(DiscoveryRequestSchema, init);

export const deltaRequest = (init: MessageInitShape<typeof DeltaDiscoveryRequestSchema>): DeltaDiscoveryRequest =>
  create(DeltaDiscoveryRequestSchema, init);

export type ReportedEvent =
  | { readonly event: 'sent'; readonly typeUrl: string; readonly version: string; readonly nonce: string }
  | { readonly event: 'acked'; readonly typeUrl: string; readonly version: string }
  | { readonly event: 'nacked'; readonly typeUrl: string; readonly version: string; readonly error: string }
  | { readonly event: 'disconnected' };

/** A reporter that records what a stream reports. */
export function recordingReporter(): StreamStatusReporter & { readonly events: ReportedEvent[] } {
  const events: ReportedEvent[] = [];
  return {
    events,
    sent: (typeUrl, version, nonce) => void events.push({ event: 'sent', typeUrl, version, nonce }),
    acked: (typeUrl, version) => void events.push({ event: 'acked', typeUrl, version }),
    nacked: (typeUrl, version, error) => void events.push({ event: 'nacked', typeUrl, version, error }),
    disconnected: () => void events.push({ event: 'disconnected' }),
  };
}

/** A sink that records stream openings and hands out recording reporters. */
export function recordingSink(): ProxyStatusSink & {
  readonly streams: { info: StreamInfo; events: ReportedEvent[] }[];
} {
  const streams: { info: StreamInfo; events: ReportedEvent[] }[] = [];
  return {
    streams,
    connected: (info) => {
      const reporter = recordingReporter();
      streams.push({ info, events: reporter.events });
      return reporter;
    },
  };
}
