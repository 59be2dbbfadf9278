/**
 * The Dataplane kind: its schema (dataplane-schema.ts), the checks the schema
 * cannot express (dataplane-check.ts), and the tags a list filters by.
 */
import { defineKind } from '../kind.js';
import { checkDataplane, checkDataplaneLabels } from './dataplane-check.js';
import { DataplaneSpec } from './dataplane-schema.js';

export {
  DataplaneSpec,
  KUMA_PROTOCOLS,
  PROTOCOL_TAG,
  PROTOCOLS,
  SERVICE_TAG,
  WORKLOAD_LABEL,
  ZONE_TAG,
} from './dataplane-schema.js';

/** Every inbound and gateway tag as `key=value`, for `?tag=key:value` lists. */
function dataplaneTags(spec: DataplaneSpec): string[] {
  const pairs = new Set<string>();
  const add = (tags: Readonly<Record<string, string>> = {}) => {
    for (const [key, value] of Object.entries(tags)) pairs.add(`${key}=${value}`);
  };
  for (const ib of spec.networking.inbound ?? []) add(ib.tags);
  if (spec.networking.gateway) add(spec.networking.gateway.tags);
  return [...pairs].sort();
}

export const DataplaneKind = defineKind({
  name: 'Dataplane',
  plural: 'dataplanes',
  shortName: 'dp',
  singularDisplayName: 'Dataplane',
  pluralDisplayName: 'Dataplanes',
  scope: 'Mesh',
  // Each zone keeps its own; the global control plane sees them through insights.
  includeInFederation: false,
  shape: 'flat',
  spec: DataplaneSpec,
  check: checkDataplane,
  checkLabels: checkDataplaneLabels,
  indexTags: dataplaneTags,
});
