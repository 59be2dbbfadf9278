/**
 * The xDS configuration a control-plane instance serves a proxy
 * (`_config?format=koguma`), shaped for reading: per type in delivery
 * order, each resource with its JSON text, and a filter by name or content.
 */
import type { Schemas } from '../api/client';

export type ServedConfig = Schemas['ServedXdsConfig'];

export interface ServedResource {
  readonly name: string;
  readonly version?: string;
  readonly text: string;
}

export interface ServedType {
  readonly type: string;
  readonly typeUrl: string;
  readonly version?: string;
  readonly resources: readonly ServedResource[];
}

const ORDER = ['LDS', 'RDS', 'CDS', 'EDS', 'SDS'];
const rank = (type: string) => (ORDER.includes(type) ? ORDER.indexOf(type) : ORDER.length);

/** Whether a `_config` answer is the served configuration (format=koguma) rather than Kuma's shape. */
export function isServedConfig(body: unknown): body is ServedConfig {
  if (typeof body !== 'object' || body === null) return false;
  const xds = (body as { xds?: unknown }).xds;
  return (
    typeof xds === 'object' &&
    xds !== null &&
    Object.values(xds).every(
      (t) => typeof t === 'object' && t !== null && Array.isArray((t as { resources?: unknown }).resources),
    )
  );
}

/** Every type with its resources, LDS first as xDS delivers them, resources by name. */
export function servedTypes(config: ServedConfig): ServedType[] {
  return Object.entries(config.xds)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([type, served]) => ({
      type,
      typeUrl: served.typeUrl,
      ...(served.version === undefined ? {} : { version: served.version }),
      resources: [...served.resources]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({
          name: r.name,
          ...(r.version === undefined ? {} : { version: r.version }),
          text: JSON.stringify(r.resource, null, 2),
        })),
    }));
}

/** The types with only the resources whose name or JSON contains `query` (any case); all when it is blank. */
export function filterResources(types: readonly ServedType[], query: string): ServedType[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...types];
  return types.map((t) => ({
    ...t,
    resources: t.resources.filter(
      (r) => r.name.toLowerCase().includes(needle) || r.text.toLowerCase().includes(needle),
    ),
  }));
}

export const resourceCount = (types: readonly ServedType[]): number =>
  types.reduce((n, t) => n + t.resources.length, 0);

/** The file a download of the configuration is saved as. */
export const configFileName = (mesh: string, name: string): string =>
  `${mesh}-${name}-xds.json`.replace(/[^A-Za-z0-9._-]/g, '_');
