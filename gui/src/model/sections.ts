/** The navigation's sections, and which one a page's URL belongs to. */
export const sections = ['overview', 'meshes', 'dataplanes', 'services', 'policies', 'zones', 'create'] as const;
export type Section = (typeof sections)[number];

/**
 * The section of `pathname` (under the router's basename): a mesh's
 * dataplane, service or policy belongs with its kind, not with the mesh;
 * creating and editing belong to Create.
 */
export function sectionOf(pathname: string): Section | undefined {
  const parts = pathname.split('/').filter((part) => part !== '');
  const [first, , third] = parts;
  if (first === 'meshes' && third !== undefined) {
    if (third === 'dataplanes' || third === 'services' || third === 'policies') return third;
    if (third === 'create' || third === 'edit') return 'create';
  }
  if (first === 'edit') return 'create';
  return sections.find((section) => section === first);
}
