/**
 * Route configuration names of proxyless gRPC clients, tied to their api
 * listener. grpc-js-xds 1.14 builds a channel's configuration again on a
 * route, cluster or endpoint update, but only stores a listener update that
 * names the same route configuration as before (xds-dependency-manager.js):
 * HTTP filters a policy adds to, changes in or removes from a client's api
 * listener would reach a running channel only with an unrelated update.
 *
 * So, after the policy plugins, an api listener whose connection manager
 * carries filters besides the router names its route configuration
 * `<name>#<digest of the connection manager>`, and the route configuration
 * is renamed to match: every change of the filters is a change of name,
 * which grpc-js-xds subscribes to and resolves afresh. A listener with the
 * router alone keeps the generated name, so clients without such policies
 * see no difference.
 */
import { createHash } from 'node:crypto';
import { anyIs, anyUnpack } from '@bufbuild/protobuf/wkt';
import { ListenerSchema, type Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { HttpConnectionManagerSchema } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { defineEdit, editHttpConnectionManagers, onePerObject, type ProxyResources } from '../generate/index.js';

interface Binding {
  readonly listener: Listener;
  /** The generated route configuration name and the one the listener now names. */
  readonly from: string;
  readonly to: string;
}

const withRouteConfigName = defineEdit(
  'gRPC api listener route name',
  ListenerSchema,
  (copy, { routeConfigName }: { routeConfigName: string }) =>
    editHttpConnectionManagers(copy, (hcm) => {
      if (hcm.routeSpecifier.case === 'rds') hcm.routeSpecifier.value.routeConfigName = routeConfigName;
    }),
);

const withName = defineEdit(
  'gRPC route configuration name',
  RouteConfigurationSchema,
  (copy, { name }: { name: string }) => (copy.name = name),
);

const bindingOf = onePerObject((listener: Listener): Binding | undefined => {
  const api = listener.apiListener?.apiListener;
  if (!api || !anyIs(api, HttpConnectionManagerSchema)) return undefined;
  const hcm = anyUnpack(api, HttpConnectionManagerSchema)!;
  if (hcm.routeSpecifier.case !== 'rds' || hcm.httpFilters.length <= 1) return undefined;
  const from = hcm.routeSpecifier.value.routeConfigName;
  const to = `${from}#${createHash('sha256').update(api.value).digest('hex').slice(0, 16)}`;
  return { listener: withRouteConfigName(listener, { routeConfigName: to }), from, to };
});

export function bindClientRouteNames(resources: ProxyResources): ProxyResources {
  const renamed = new Map<string, string>();
  const bound = resources.map('listeners', (listener) => {
    const binding = bindingOf(listener);
    if (!binding) return listener;
    renamed.set(binding.from, binding.to);
    return binding.listener;
  });
  if (renamed.size === 0) return resources;
  return bound.map('routeConfigurations', (config) => {
    const to = renamed.get(config.name);
    return to === undefined ? config : withName(config, { name: to });
  });
}
