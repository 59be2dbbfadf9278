/**
 * REST paths of resources and the words the CLI uses for them. The plural and
 * scope come from the kind registry, so a new kind needs nothing here.
 *
 *   Global kind (Mesh):  /meshes            /meshes/{name}
 *   Mesh-scoped kind:    /meshes/{mesh}/{plural}   /meshes/{mesh}/{plural}/{name}
 *                        /{plural}  (across meshes)
 */
import type { CliKind } from './kind-catalogue.js';

const segment = encodeURIComponent;

/** Path of one resource; `mesh` is ignored for global kinds. */
export function itemPath(kind: CliKind, mesh: string, name: string): string {
  return kind.scope === 'Global'
    ? `/${segment(kind.plural)}/${segment(name)}`
    : `/meshes/${segment(mesh)}/${segment(kind.plural)}/${segment(name)}`;
}

/** Path of a list: in one mesh, or across meshes when `mesh` is undefined. */
export function listPath(kind: CliKind, mesh: string | undefined): string {
  if (kind.scope === 'Global' || mesh === undefined) return `/${segment(kind.plural)}`;
  return `/meshes/${segment(mesh)}/${segment(kind.plural)}`;
}

/** How apply and delete name a resource in their output, kubectl style: `meshtimeout "t1"`. */
export function resourceLabel(kind: CliKind, name: string): string {
  return `${kind.name.toLowerCase()} ${JSON.stringify(name)}`;
}

/** `MeshTimeout "x" in mesh "default"`, or `Mesh "x"` for a global kind. */
export function describeResource(kind: CliKind, mesh: string, name: string): string {
  const base = `${kind.name} ${JSON.stringify(name)}`;
  return kind.scope === 'Global' ? base : `${base} in mesh ${JSON.stringify(mesh)}`;
}

/** `MeshTimeout "x" not found in mesh "default"`. */
export function notFoundMessage(kind: CliKind, mesh: string, name: string): string {
  const base = `${kind.name} ${JSON.stringify(name)} not found`;
  return kind.scope === 'Global' ? base : `${base} in mesh ${JSON.stringify(mesh)}`;
}
