/**
 * The Envoy judge of generated configuration: the protoc-gen-validate rules of
 * the .proto files, which Envoy enforces on every resource it receives (a
 * violation would be a NACK).
 */
import assert from 'node:assert/strict';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import type { ProxyResources } from '../../../xds/generate/index.js';
import { schemaOfType, type EncodedResource } from '../../../xds/index.js';
import { validateMessage } from '../../../xds/validate/index.js';

/** Every encoded resource passes the PGV rules; a failure names the resource. */
export function assertPassesPgv(config: { readonly resources: readonly EncodedResource[] }): void {
  for (const resource of config.resources)
    assert.deepEqual(
      validateMessage(schemaOfType[resource.typeUrl], resource.message),
      [],
      `${resource.typeUrl} ${resource.name}`,
    );
}

/** Every message of a plugin's output (listeners, route configurations, clusters, endpoints) passes the PGV rules. */
export function assertResourcesPassPgv(resources: ProxyResources): void {
  const check = <D extends DescMessage>(schema: D, messages: readonly MessageShape<D>[]) => {
    for (const message of messages) assert.deepEqual(validateMessage(schema, message), []);
  };
  check(ListenerSchema, resources.listeners);
  check(RouteConfigurationSchema, resources.routeConfigurations);
  check(ClusterSchema, resources.clusters);
  check(ClusterLoadAssignmentSchema, resources.loadAssignments);
}
