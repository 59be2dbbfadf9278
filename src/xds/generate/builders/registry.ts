/**
 * Every message type the builders pack into an `Any`, so the JSON of a
 * generated resource (golden files, `_config` inspection) can print what is
 * inside its typed configs.
 */
import { createRegistry } from '@bufbuild/protobuf';
import { RouterSchema } from '../../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { TcpProxySchema } from '../../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { HttpProtocolOptionsSchema } from '../../envoy/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { TlsInspectorSchema } from '../../envoy/gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import { DownstreamTlsContextSchema, UpstreamTlsContextSchema } from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { rbacFilterSchemas } from './rbac.js';

export const typedConfigRegistry = createRegistry(
  HttpConnectionManagerSchema,
  RouterSchema,
  TcpProxySchema,
  HttpProtocolOptionsSchema,
  TlsInspectorSchema,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
  ...rbacFilterSchemas,
);
