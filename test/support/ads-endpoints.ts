/**
 * A small topology for raw ADS clients (support/proxyless-ads.ts): backend
 * Dataplanes applied through the API, consumers that register themselves
 * and call `backend`, and the endpoint ports a ClusterLoadAssignment
 * response holds, which is what those tests assert on.
 */
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { ClusterLoadAssignmentSchema } from '../../src/xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { DiscoveryResponse } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';

/** A gRPC backend of `service` on 127.0.0.1:`port`. */
export const backendDataplane = (name: string, port: number, service = 'backend') => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }],
  },
});

/** A `web` dataplane that calls `backend`, as a consumer carries it in its node metadata. */
export const consumerDataplane = (name: string) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
});

/** The endpoint ports of an EDS response, sorted; [] for none. */
export const endpointPortsOf = (response: DiscoveryResponse | undefined): number[] =>
  (response?.resources ?? [])
    .flatMap((any) =>
      anyUnpack(any, ClusterLoadAssignmentSchema)!.endpoints.flatMap((locality) =>
        locality.lbEndpoints.map((lb) => {
          const address = lb.hostIdentifier.case === 'endpoint' ? lb.hostIdentifier.value.address?.address : undefined;
          return address?.case === 'socketAddress' && address.value.portSpecifier.case === 'portValue'
            ? address.value.portSpecifier.value
            : -1;
        }),
      ),
    )
    .sort();
