/**
 * The labels the control plane computes on every write, as Kuma does. In zone
 * mode (one zone, named `default`):
 *   kuma.io/mesh        the resource's mesh, for mesh-scoped kinds
 *   kuma.io/origin      `zone`, for kinds a zone may create (not Mesh or Zone; a
 *                       GlobalSecret written here gets it, as in Kuma's answers)
 *   kuma.io/zone, kuma.io/env  this zone and `universal`, unless the origin is `global`
 *   kuma.io/proxy-type  `sidecar` or `gateway` for a Dataplane
 * In global mode every writable kind gets `kuma.io/origin: global` and no zone
 * or env label: the resource belongs to no zone, which is how a zone sees what
 * a global control plane gives it.
 * A label the writer set is kept, so a read applied again round-trips; a
 * `kuma.io/mesh` naming another mesh is refused (in zone mode: a global
 * control plane leaves it to the writer, as Kuma does), and a replacement may
 * not change or drop the origin, zone or display name the stored resource has.
 */
import type { InvalidParameter, KindDescriptor, Labels, ResourceDraft } from '../api/index.js';

export const LOCAL_ZONE = 'default';

/** Whether this control plane runs as the single zone or as the global control plane above zones. */
export type ControlPlaneMode = 'zone' | 'global';

const MESH_LABEL = 'kuma.io/mesh';
const ORIGIN_LABEL = 'kuma.io/origin';
const ZONE_LABEL = 'kuma.io/zone';
const ENV_LABEL = 'kuma.io/env';
const PROXY_TYPE_LABEL = 'kuma.io/proxy-type';
const DISPLAY_NAME_LABEL = 'kuma.io/display-name';

/** Kinds only a global control plane creates: a zone gives them no origin. */
const GLOBAL_ONLY = new Set(['Mesh', 'Zone']);

const IMMUTABLE = [ORIGIN_LABEL, ZONE_LABEL, DISPLAY_NAME_LABEL];

/** Every label the control plane may add on a write, in either mode. */
export const COMPUTED_LABELS: ReadonlySet<string> = new Set([
  MESH_LABEL,
  ORIGIN_LABEL,
  ZONE_LABEL,
  ENV_LABEL,
  PROXY_TYPE_LABEL,
]);

const field = (label: string): string => `labels[${JSON.stringify(label)}]`;

/** What a writer may not set: another zone, or a mesh label naming another mesh. */
export function labelIssues(draft: ResourceDraft, mode: ControlPlaneMode = 'zone'): InvalidParameter[] {
  const origin = draft.labels[ORIGIN_LABEL];
  if (mode === 'global')
    return origin === undefined || origin === 'global'
      ? []
      : [{ field: field(ORIGIN_LABEL), reason: "the origin label must be set to 'global'" }];
  if (origin === 'global') return [];
  const issues: InvalidParameter[] = [];
  const [zone, mesh] = [draft.labels[ZONE_LABEL], draft.labels[MESH_LABEL]];
  if (zone !== undefined && zone !== LOCAL_ZONE)
    issues.push({ field: field(ZONE_LABEL), reason: `${ZONE_LABEL} label should have ${LOCAL_ZONE} value` });
  if (mesh !== undefined && mesh !== draft.mesh)
    issues.push({ field: field(MESH_LABEL), reason: `${MESH_LABEL} label must not differ from mesh set on resource` });
  return issues;
}

export function computeLabels(kind: KindDescriptor, draft: ResourceDraft, mode: ControlPlaneMode = 'zone'): Labels {
  const labels: Record<string, string> = { ...draft.labels };
  const setIfAbsent = (key: string, value: string) => {
    if (labels[key] === undefined) labels[key] = value;
  };
  if (kind.scope === 'Mesh') setIfAbsent(MESH_LABEL, draft.mesh);
  if (mode === 'global') {
    if (!kind.readOnly) labels[ORIGIN_LABEL] = 'global';
  } else if (!GLOBAL_ONLY.has(kind.name) && !kind.readOnly) {
    setIfAbsent(ORIGIN_LABEL, 'zone');
    if (labels[ORIGIN_LABEL] !== 'global') {
      setIfAbsent(ZONE_LABEL, LOCAL_ZONE);
      setIfAbsent(ENV_LABEL, 'universal');
    }
  }
  if (kind.name === 'Dataplane') {
    const gateway = (draft.spec['networking'] as { gateway?: unknown } | undefined)?.gateway;
    labels[PROXY_TYPE_LABEL] = gateway === undefined ? 'sidecar' : 'gateway';
  }
  return labels;
}

/** A replacement's labels against the stored ones: what may not change. */
export function immutableLabelIssues(current: Labels, next: Labels): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  for (const label of IMMUTABLE) {
    const [was, now] = [current[label], next[label]];
    if (was === undefined || was === now) continue;
    issues.push({
      field: field(label),
      reason:
        now === undefined
          ? `is immutable, cannot be removed (was ${JSON.stringify(was)})`
          : `is immutable, cannot be changed from ${JSON.stringify(was)} to ${JSON.stringify(now)}`,
    });
  }
  return issues;
}
