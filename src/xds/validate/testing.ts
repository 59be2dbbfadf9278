/**
 * Fixtures for the validator's tests.
 *
 * Valid Envoy resources, built with create() the way Koguma's generators build
 * them: an EDS cluster with upstream TLS, a listener whose HttpConnectionManager
 * (packed in an Any) routes through RDS and the Router filter, a route
 * configuration and a load assignment. Each test breaks one field of a fresh copy.
 *
 * syntheticMessage() builds a descriptor carrying PGV options for the rules no
 * Envoy message uses (timestamp rules, email, validate.disabled), so that those
 * paths are exercised through the same walker.
 */
import { create, createFileRegistry, setExtension } from '@bufbuild/protobuf';
import type { DescFile, DescMessage, Message } from '@bufbuild/protobuf';
import {
  anyPack,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
  MessageOptionsSchema,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
} from '@bufbuild/protobuf/wkt';
import type { Any } from '@bufbuild/protobuf/wkt';
import { disabled, file_validate_validate, rules as rulesExtension } from '../envoy/gen/validate/validate_pb.js';
import type { FieldRules } from '../envoy/gen/validate/validate_pb.js';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import {
  ClusterSchema,
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
} from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ApiVersion } from '../envoy/gen/envoy/config/core/v3/config_source_pb.js';
import { ClusterLoadAssignmentSchema } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { ClusterLoadAssignment } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { RouterSchema } from '../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { HttpConnectionManager } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { UpstreamTlsContextSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';

const ads = { configSourceSpecifier: { case: 'ads' as const, value: {} }, resourceApiVersion: ApiVersion.V3 };

export function validCluster(): Cluster {
  return create(ClusterSchema, {
    name: 'backend_default_svc_8080',
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: ads },
    connectTimeout: { seconds: 5n },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    perConnectionBufferLimitBytes: 32768,
    transportSocket: {
      name: 'envoy.transport_sockets.tls',
      configType: {
        case: 'typedConfig',
        value: anyPack(UpstreamTlsContextSchema, create(UpstreamTlsContextSchema, { sni: 'backend.mesh' })),
      },
    },
  });
}

export function validHttpConnectionManager(): HttpConnectionManager {
  return create(HttpConnectionManagerSchema, {
    statPrefix: 'inbound_8080',
    routeSpecifier: { case: 'rds', value: { configSource: ads, routeConfigName: 'inbound:backend' } },
    httpFilters: [
      {
        name: 'envoy.filters.http.router',
        configType: { case: 'typedConfig', value: anyPack(RouterSchema, create(RouterSchema)) },
      },
    ],
  });
}

/** A listener whose only filter packs `hcm` (a valid one by default). */
export function validListener(hcm: HttpConnectionManager = validHttpConnectionManager()): Listener {
  return create(ListenerSchema, {
    name: 'inbound:10.0.0.1:8080',
    address: {
      address: {
        case: 'socketAddress',
        value: { address: '10.0.0.1', portSpecifier: { case: 'portValue', value: 8080 } },
      },
    },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            configType: { case: 'typedConfig', value: pack(HttpConnectionManagerSchema, hcm) },
          },
        ],
      },
    ],
  });
}

export function validRouteConfiguration(): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name: 'inbound:backend',
    virtualHosts: [
      {
        name: 'backend',
        domains: ['*'],
        routes: [
          {
            match: { pathSpecifier: { case: 'prefix', value: '/' } },
            action: {
              case: 'route',
              value: {
                clusterSpecifier: { case: 'cluster', value: 'backend_default_svc_8080' },
                timeout: { seconds: 15n },
              },
            },
          },
        ],
        requestHeadersToAdd: [{ header: { key: 'x-mesh', value: 'koguma' } }],
      },
    ],
  });
}

export function validClusterLoadAssignment(): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, {
    clusterName: 'backend_default_svc_8080',
    endpoints: [
      {
        lbEndpoints: [
          {
            hostIdentifier: {
              case: 'endpoint',
              value: {
                address: {
                  address: {
                    case: 'socketAddress',
                    value: { address: '10.0.0.2', portSpecifier: { case: 'portValue', value: 8080 } },
                  },
                },
              },
            },
            loadBalancingWeight: 1,
          },
        ],
      },
    ],
  });
}

export const pack = <T extends Message>(schema: GenMessage<T>, message: T): Any => anyPack(schema, message);

export interface SyntheticField {
  readonly name: string;
  readonly type: FieldDescriptorProto_Type;
  /** For message fields: `.google.protobuf.Timestamp`. */
  readonly typeName?: string;
  readonly rules?: FieldRules;
}

const syntheticDeps: ReadonlyMap<string, DescFile> = new Map([
  ['validate/validate.proto', file_validate_validate],
  ['google/protobuf/timestamp.proto', file_google_protobuf_timestamp],
  ['google/protobuf/duration.proto', file_google_protobuf_duration],
]);

export interface SyntheticOptions {
  /** `option (validate.disabled) = true` on the message. */
  readonly disabled?: boolean;
  /** Generated files whose types the fields use, e.g. file_envoy_config_core_v3_address. */
  readonly imports?: readonly DescFile[];
}

/** A proto3 message `koguma.validate.test.<name>` whose fields carry the given (validate.rules). */
export function syntheticMessage(
  name: string,
  fields: readonly SyntheticField[],
  options: SyntheticOptions = {},
): DescMessage {
  const deps = new Map(syntheticDeps);
  for (const file of options.imports ?? []) deps.set(file.proto.name, file);
  const messageOptions = create(MessageOptionsSchema);
  if (options.disabled === true) setExtension(messageOptions, disabled, true);
  const file = create(FileDescriptorProtoSchema, {
    name: `koguma/validate/test/${name}.proto`,
    package: 'koguma.validate.test',
    syntax: 'proto3',
    dependency: [...deps.keys()],
    messageType: [
      {
        name,
        options: messageOptions,
        field: fields.map((field, index) => {
          const fieldOptions = create(FieldOptionsSchema);
          if (field.rules !== undefined) setExtension(fieldOptions, rulesExtension, field.rules);
          return {
            name: field.name,
            jsonName: field.name,
            number: index + 1,
            label: FieldDescriptorProto_Label.OPTIONAL,
            type: field.type,
            ...(field.typeName === undefined ? {} : { typeName: field.typeName }),
            options: fieldOptions,
          };
        }),
      },
    ],
  });
  const registry = createFileRegistry(file, (dep) => deps.get(dep));
  const desc = registry.getMessage(`koguma.validate.test.${name}`);
  if (desc === undefined) throw new Error(`synthetic message ${name} did not register`);
  return desc;
}

export { FieldDescriptorProto_Type };
