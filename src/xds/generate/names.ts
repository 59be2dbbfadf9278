/**
 * Names of generated resources, as Kuma gives them (KUMA-COMPAT.md "Envoy
 * resource names"), plus the gRPC server listener name that grpc-js-xds asks
 * for. Addresses are joined with their port as in a URL authority, so an IPv6
 * address is bracketed: `inbound:[fd00::1]:8080`.
 */
import { isIPv6 } from 'node:net';

export const hostPort = (address: string, port: number): string =>
  isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;

export const inboundListenerName = (address: string, port: number): string => `inbound:${hostPort(address, port)}`;
export const outboundListenerName = (address: string, port: number): string => `outbound:${hostPort(address, port)}`;
/** The cluster through which an inbound reaches its workload. */
export const localClusterName = (servicePort: number): string => `localhost:${servicePort}`;
export const inboundRouteName = (service: string): string => `inbound:${service}`;
export const outboundRouteName = (service: string): string => `outbound:${service}`;
/** The cluster (and ClusterLoadAssignment) of a destination service. */
export const serviceClusterName = (service: string): string => service;

/**
 * What the gRPC bootstrap's `server_listener_resource_name_template` is set to;
 * grpc-js-xds replaces `%s` with the address the server binds
 * (`server.js`: `formatTemplateString(listenerResourceNameTemplate, boundAddress)`).
 */
export const GRPC_SERVER_LISTENER_TEMPLATE = 'grpc/server?xds.resource.listening_address=%s';
export const grpcServerListenerName = (address: string, port: number): string =>
  GRPC_SERVER_LISTENER_TEMPLATE.replace('%s', hostPort(address, port));

/** SDS secrets (Kuma's names): the proxy's certificate and key, and the mesh's trusted roots. */
export const identitySecretName = (mesh: string): string => `identity_cert:secret:${mesh}`;
export const trustSecretName = (mesh: string): string => `mesh_ca:secret:${mesh}`;

/** The certificate provider instance the gRPC bootstrap defines and proxyless TLS contexts name. */
export const GRPC_CERTIFICATE_PROVIDER = 'koguma';

/** Envoy's `node.id` for a Dataplane. */
export const nodeIdOf = (mesh: string, name: string): string => `${mesh}.${name}`;

/** A stat prefix: Envoy splits stat names on '.', and ':' reads badly in Prometheus names. */
export const statName = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '_');
