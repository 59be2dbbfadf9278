/**
 * The router HTTP filter: forwards a request to the cluster its route chose.
 * Envoy and gRPC (gRFC A39) both require it to be the last HTTP filter, so the
 * connection manager builder appends it itself instead of leaving it to callers.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { RouterSchema } from '../../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';

export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';

export function routerFilter(): HttpFilter {
  return create(HttpFilterSchema, {
    name: ROUTER_FILTER_NAME,
    configType: { case: 'typedConfig', value: anyPack(RouterSchema, create(RouterSchema)) },
  });
}
