/**
 * What writing a resource needs to know, as pure functions: which kinds can
 * be written, where a resource lives in the API and in the GUI, and who may
 * write (the API's read-only mode and its administrators).
 */
export interface KindInfo {
  readonly name: string;
  readonly path: string;
  readonly singularDisplayName: string;
  readonly scope: 'Global' | 'Mesh';
  readonly readOnly: boolean;
  readonly policy?: unknown;
}

/** Kinds a person may create or edit, meshes and dataplanes first, then policies, then the rest, by name. */
export function writableKinds(kinds: readonly KindInfo[]): KindInfo[] {
  const rank = (kind: KindInfo) =>
    kind.name === 'Mesh' ? 0 : kind.name === 'Dataplane' ? 1 : kind.policy !== undefined ? 2 : 3;
  return kinds
    .filter((kind) => !kind.readOnly)
    .sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type KindGroup = 'meshes' | 'dataplanes' | 'policies' | 'other';

/** Kinds by group, in the order writableKinds gives, without empty groups. */
export function groupsOf(kinds: readonly KindInfo[]): [KindGroup, KindInfo[]][] {
  const groupOf = (kind: KindInfo): KindGroup =>
    kind.name === 'Mesh'
      ? 'meshes'
      : kind.name === 'Dataplane'
        ? 'dataplanes'
        : kind.policy !== undefined
          ? 'policies'
          : 'other';
  const groups: [KindGroup, KindInfo[]][] = [];
  for (const kind of kinds) {
    const group = groupOf(kind);
    const last = groups.at(-1);
    if (last !== undefined && last[0] === group) last[1].push(kind);
    else groups.push([group, [kind]]);
  }
  return groups;
}

/** The kind a URL names, by its name (`MeshTimeout`) or its API path (`meshtimeouts`). */
export function findKind(kinds: readonly KindInfo[], wanted: string): KindInfo | undefined {
  const lower = wanted.toLowerCase();
  return kinds.find((kind) => kind.name.toLowerCase() === lower || kind.path === lower);
}

/** The API path of one resource. */
export function resourcePath(kind: KindInfo, mesh: string | undefined, name: string): string {
  const item = `/${kind.path}/${encodeURIComponent(name)}`;
  return kind.scope === 'Mesh' ? `/meshes/${encodeURIComponent(mesh ?? '')}${item}` : item;
}

/** The GUI page that edits one resource (under /gui). */
export function editUrl(kind: string, mesh: string | undefined, name: string): string {
  const tail = `/edit/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
  return mesh === undefined || mesh === '' ? tail : `/meshes/${encodeURIComponent(mesh)}${tail}`;
}

/** The GUI page that creates a resource of `kind` (in `mesh` for mesh-scoped kinds). */
export function createUrl(kind: KindInfo, mesh: string | undefined): string {
  return kind.scope === 'Mesh' && mesh !== undefined && mesh !== ''
    ? `/meshes/${encodeURIComponent(mesh)}/create/${encodeURIComponent(kind.name)}`
    : `/create/${encodeURIComponent(kind.name)}`;
}

export type WriteAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'readOnly' | 'signIn' | 'notAdmin' | 'unknown' };

export const ADMIN_GROUP = 'mesh-system:admin';

/** Whether the API would take a write from this caller, and why not. */
export function writeAccess(
  config: Readonly<Record<string, unknown>> | undefined,
  caller: { readonly name: string; readonly groups: readonly string[] } | undefined,
): WriteAccess {
  if (config === undefined || caller === undefined) return { allowed: false, reason: 'unknown' };
  if (config['apiReadOnly'] === true) return { allowed: false, reason: 'readOnly' };
  if (caller.groups.includes(ADMIN_GROUP)) return { allowed: true };
  return { allowed: false, reason: caller.name.endsWith(':anonymous') ? 'signIn' : 'notAdmin' };
}
