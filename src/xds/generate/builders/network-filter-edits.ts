/**
 * Editing the network filters of a listener that a caller owns (an
 * copy made by a `defineEdit` edit, never a shared message): a connection manager or TCP proxy
 * travels packed in an `Any`, so an edit unpacks it, changes it and packs it
 * back in place. Route actions are reached through a route configuration,
 * served over RDS or inlined in a connection manager.
 *
 *   Listener ─► filter_chains[] ─► filters[] ─► typed_config (Any)
 *                                                 ├─ HttpConnectionManager ─► route_config (inline) ─► routes[].route
 *                                                 └─ TcpProxy
 */
import { anyIs, anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import type { Listener } from '../../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { Route, RouteAction } from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from '../../envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  TcpProxySchema,
  type TcpProxy,
} from '../../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';

/** Applies `edit` to every HTTP connection manager of the listener: its filter chains' filters and its api_listener. */
export function editHttpConnectionManagers(listener: Listener, edit: (hcm: HttpConnectionManager) => void): void {
  const api = listener.apiListener?.apiListener;
  if (api && anyIs(api, HttpConnectionManagerSchema)) {
    const hcm = anyUnpack(api, HttpConnectionManagerSchema)!;
    edit(hcm);
    listener.apiListener!.apiListener = anyPack(HttpConnectionManagerSchema, hcm);
  }
  for (const chain of listener.filterChains) {
    for (const filter of chain.filters) {
      if (filter.configType.case !== 'typedConfig' || !anyIs(filter.configType.value, HttpConnectionManagerSchema))
        continue;
      const hcm = anyUnpack(filter.configType.value, HttpConnectionManagerSchema)!;
      edit(hcm);
      filter.configType = { case: 'typedConfig', value: anyPack(HttpConnectionManagerSchema, hcm) };
    }
  }
}

/** Applies `edit` to every TCP proxy among the listener's network filters. */
export function editTcpProxies(listener: Listener, edit: (tcpProxy: TcpProxy) => void): void {
  for (const chain of listener.filterChains) {
    for (const filter of chain.filters) {
      if (filter.configType.case !== 'typedConfig' || !anyIs(filter.configType.value, TcpProxySchema)) continue;
      const tcpProxy = anyUnpack(filter.configType.value, TcpProxySchema)!;
      edit(tcpProxy);
      filter.configType = { case: 'typedConfig', value: anyPack(TcpProxySchema, tcpProxy) };
    }
  }
}

/** Applies `edit` to the action of every forwarding route (redirects and non-forwarding routes have none); `route` tells routes apart by name. */
export function editRouteActions(
  routeConfig: RouteConfiguration,
  edit: (action: RouteAction, route: Route) => void,
): void {
  for (const virtualHost of routeConfig.virtualHosts) {
    for (const route of virtualHost.routes) if (route.action.case === 'route') edit(route.action.value, route);
  }
}

/** Applies `edit` to the route actions of a connection manager's inline route configuration, if it has one. */
export function editInlineRouteActions(hcm: HttpConnectionManager, edit: (action: RouteAction) => void): void {
  if (hcm.routeSpecifier.case === 'routeConfig') editRouteActions(hcm.routeSpecifier.value, edit);
}
