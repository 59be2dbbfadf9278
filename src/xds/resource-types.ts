/**
 * The xDS resource types the control plane serves, by type URL, with the
 * protobuf-es schema of each. SotW and delta streams, the snapshot cache and
 * inspection all name types through this table.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { ClusterSchema } from './envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from './envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from './envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from './envoy/gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from './envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';

export const TypeUrl = {
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  ClusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

export const typeUrls: readonly TypeUrl[] = Object.values(TypeUrl);

export const schemaOfType: Readonly<Record<TypeUrl, DescMessage>> = {
  [TypeUrl.Listener]: ListenerSchema,
  [TypeUrl.RouteConfiguration]: RouteConfigurationSchema,
  [TypeUrl.Cluster]: ClusterSchema,
  [TypeUrl.ClusterLoadAssignment]: ClusterLoadAssignmentSchema,
  [TypeUrl.Secret]: SecretSchema,
};

/** Short names for logs, `_config` and `_overview`: LDS, RDS, CDS, EDS, SDS. */
export const shortNameOfType: Readonly<Record<TypeUrl, string>> = {
  [TypeUrl.Listener]: 'LDS',
  [TypeUrl.RouteConfiguration]: 'RDS',
  [TypeUrl.Cluster]: 'CDS',
  [TypeUrl.ClusterLoadAssignment]: 'EDS',
  [TypeUrl.Secret]: 'SDS',
};

export const isTypeUrl = (value: string): value is TypeUrl => (typeUrls as readonly string[]).includes(value);
