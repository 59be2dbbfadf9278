/**
 * `targetRef.sectionName`: one section of the named resource (an inbound of a
 * Dataplane, a port of a MeshService). Kuma resolves it by section name first
 * and, only when no section has that name, as a port number among the
 * sections that have no name.
 */

/** A section of a resource: an inbound or a service port. */
export interface Section {
  readonly name?: string | undefined;
  readonly port?: number | undefined;
}

/** Positions in `sections` that `sectionName` names (empty when none does). */
export function sectionsNamed(sectionName: string, sections: readonly Section[]): number[] {
  const positions = (keep: (section: Section) => boolean) =>
    sections.flatMap((section, position) => (keep(section) ? [position] : []));
  const byName = positions((section) => section.name === sectionName);
  if (byName.length > 0) return byName;
  return positions(
    (section) => section.name === undefined && section.port !== undefined && String(section.port) === sectionName,
  );
}

/** Whether `sectionName` names this one section. */
export const sectionNamed = (sectionName: string, section: Section): boolean =>
  sectionsNamed(sectionName, [section]).length > 0;
