/**
 * Koguma's filters of dataplane overviews, for the GUI's lists:
 *   status=online|offline|partially_degraded     the proxy's status, as insights count it (dataplane-facts.ts)
 *   proxyType=envoy|grpc                          the proxy the node said it is (`koguma.io/proxy-flavour`)
 * Each takes one value or several, comma-separated or repeated. Both depend on
 * the insight, which is not in the Dataplane's row, so a list with either is
 * read whole from the store, filtered, then paged: `total` and `next` count
 * what matches.
 */
import { invalidInput, type InvalidParameter } from '../../api/index.js';
import { dataplaneFacts, type DataplaneInsightSpec, type ProxyStatus } from '../../insights/index.js';

export type OverviewStatus = 'online' | 'offline' | 'partially_degraded';
export type OverviewProxyType = 'envoy' | 'grpc';

export interface OverviewFilters {
  readonly statuses?: ReadonlySet<OverviewStatus>;
  readonly proxyTypes?: ReadonlySet<OverviewProxyType>;
}

const STATUSES: readonly OverviewStatus[] = ['online', 'offline', 'partially_degraded'];
const PROXY_TYPES: readonly OverviewProxyType[] = ['envoy', 'grpc'];

const statusNames: Readonly<Record<ProxyStatus, OverviewStatus>> = {
  online: 'online',
  offline: 'offline',
  partiallyDegraded: 'partially_degraded',
};

type Query = Readonly<Record<string, string | string[] | undefined>>;

function valuesOf<T extends string>(
  query: Query,
  name: string,
  allowed: readonly T[],
  field: string,
  issues: InvalidParameter[],
): Set<T> | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(','));
  const wanted = new Set<T>();
  for (const value of values) {
    const normalised = value.trim().toLowerCase();
    if (normalised === '') continue;
    if ((allowed as readonly string[]).includes(normalised)) wanted.add(normalised as T);
    else issues.push({ field, reason: `must be one of ${allowed.join(', ')}, not "${value}"` });
  }
  return wanted.size === 0 ? undefined : wanted;
}

/** The filters asked for; 400 naming the parameter (under the route, as `gateway=` is named) for an unknown value. */
export function parseOverviewFilters(query: Query, route: string | undefined): OverviewFilters {
  const issues: InvalidParameter[] = [];
  const fieldOf = (name: string) => (route === undefined ? name : `${route}.${name}`);
  const statuses = valuesOf(query, 'status', STATUSES, fieldOf('status'), issues);
  const proxyTypes = valuesOf(query, 'proxyType', PROXY_TYPES, fieldOf('proxyType'), issues);
  if (issues.length > 0) throw invalidInput(issues);
  return { ...(statuses ? { statuses } : {}), ...(proxyTypes ? { proxyTypes } : {}) };
}

export const filtersOverviews = (filters: OverviewFilters): boolean =>
  filters.statuses !== undefined || filters.proxyTypes !== undefined;

/** The proxy type a DataplaneInsight records (its newest stream's), or null when no proxy has said. */
export function proxyTypeOf(insight: { readonly metadata?: unknown } | undefined): OverviewProxyType | null {
  const type = (insight?.metadata as { proxyType?: unknown } | undefined)?.proxyType;
  return type === 'envoy' || type === 'grpc' ? type : null;
}

/** The overview's status, as the mesh insights count it. */
export const overviewStatusOf = (dataplane: unknown, insight: object | undefined): OverviewStatus =>
  statusNames[dataplaneFacts(dataplane, insight as DataplaneInsightSpec | undefined).status];

export function matchesOverview(
  filters: OverviewFilters,
  overview: { readonly dataplane: unknown; readonly dataplaneInsight?: object; readonly proxyType: string | null },
): boolean {
  if (filters.proxyTypes && !filters.proxyTypes.has(overview.proxyType as OverviewProxyType)) return false;
  if (filters.statuses && !filters.statuses.has(overviewStatusOf(overview.dataplane, overview.dataplaneInsight)))
    return false;
  return true;
}
