/**
 * The parts of a proxy the inspection endpoints name by KRI, resolved: an
 * inbound (or listener) of the Dataplane, a destination port it sends to, a
 * MeshHTTPRoute. A KRI of the wrong kind or of another Dataplane is a 400 that
 * says so; what it names but does not exist is a 404.
 */
import { KogumaError, notFound, type Resource } from '../../api/index.js';
import type { Destination, DestinationKind, RouteIdentity } from '../core/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import { badRequest, formatKri, kriOf, parseKri, sameResource, type Kri, type ShortTypeOf } from './kri.js';
import { destinationPorts } from './layout.js';
import { LISTENER, listenerNamed } from './listeners.js';

const DESTINATION_KINDS: readonly DestinationKind[] = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'];

const wrongKind = (text: string, expected: string): KogumaError =>
  badRequest(`${JSON.stringify(text)} does not identify a ${expected}`);

/** The position in `proxy.inbounds` of the inbound a Dataplane KRI names by its section; LISTENER for one of its listeners. */
export function inboundOf(text: string, dataplane: Resource, proxy: ProxyContext, shortTypeOf: ShortTypeOf): number {
  const kri = parseKri(text);
  if (kri.shortType !== (shortTypeOf('Dataplane') ?? 'dp')) throw wrongKind(text, 'Dataplane inbound');
  const own = kriOf(dataplane, kri.shortType);
  // The zone is left out: a Dataplane gets its zone label only where a zone control plane stores it.
  if (kri.mesh !== own.mesh || kri.name !== own.name || kri.namespace !== own.namespace)
    throw badRequest(`${JSON.stringify(text)} identifies another Dataplane`);
  const position = proxy.inbounds.findIndex(
    (inbound) =>
      inbound.name === kri.sectionName || (inbound.name === undefined && String(inbound.port) === kri.sectionName),
  );
  if (position >= 0) return position;
  if (listenerNamed(dataplane, kri.sectionName) !== undefined) return LISTENER;
  throw notFound(`inbound "${kri.sectionName}" of Dataplane "${dataplane.name}"`);
}

/** The destination (one port of it, when the KRI has a section) an outbound KRI names. */
export function destinationOf(
  text: string,
  resources: readonly Resource[],
  shortTypeOf: ShortTypeOf,
): { readonly kri: Kri; readonly destination: Destination } {
  const kri = parseKri(text);
  const kind = DESTINATION_KINDS.find((k) => shortTypeOf(k) === kri.shortType);
  if (kind === undefined) throw wrongKind(text, DESTINATION_KINDS.join(', ').replace(/, (?=[^,]+$)/, ' or '));
  const resource = resources.find((r) => r.kind === kind && sameResource(kriOf(r, kri.shortType), kri));
  const port =
    resource === undefined || kri.sectionName === ''
      ? undefined
      : destinationPorts(resource).find((p) => p.sectionName === kri.sectionName || String(p.port) === kri.sectionName);
  return {
    kri,
    destination: {
      kind,
      service: resource?.name ?? kri.name,
      ...(resource === undefined ? {} : { labels: resource.labels }),
      ...(port === undefined
        ? kri.sectionName === ''
          ? {}
          : { sectionName: kri.sectionName }
        : { port: port.port, ...(port.name === undefined ? {} : { sectionName: port.name }) }),
    },
  };
}

/** The MeshHTTPRoute a route KRI names, among the routes selecting the proxy. */
export function routeOf(text: string, proxy: ProxyContext, shortTypeOf: ShortTypeOf): RouteIdentity {
  const kri = parseKri(text);
  const shortType = shortTypeOf('MeshHTTPRoute') ?? 'mhttpr';
  if (kri.shortType !== shortType) throw wrongKind(text, 'MeshHTTPRoute');
  const route = (proxy.policies?.get('MeshHTTPRoute') ?? [])
    .map((m) => m.policy)
    .find((policy) => formatKri(kriOf(policy, shortType)) === formatKri({ ...kri, sectionName: '' }));
  return route === undefined ? { name: kri.name, labels: {} } : { name: route.name, labels: route.labels };
}
