/** The GUI's own URLs (under /gui/), mirroring the API's: one builder a page. */
const seg = encodeURIComponent;

export const meshPath = (mesh: string): string => `/meshes/${seg(mesh)}`;
export const dataplanePath = (mesh: string, name: string): string => `/meshes/${seg(mesh)}/dataplanes/${seg(name)}`;
/** `kind` is the API's plural: `meshservices`, `meshexternalservices`, or `services` (tag-based). */
export const servicePath = (mesh: string, kind: string, name: string): string =>
  `/meshes/${seg(mesh)}/services/${seg(kind)}/${seg(name)}`;
/** `plural` is the policy kind's path in the API: `meshtimeouts`. */
export const policyKindPath = (plural: string, mesh = ''): string =>
  `/policies/${seg(plural)}${mesh === '' ? '' : `?mesh=${seg(mesh)}`}`;
export const policyPath = (mesh: string, plural: string, name: string): string =>
  `/meshes/${seg(mesh)}/policies/${seg(plural)}/${seg(name)}`;
export const servicesPath = (mesh = ''): string => `/services${mesh === '' ? '' : `?mesh=${seg(mesh)}`}`;
