/**
 * A Dataplane's listeners (`networking.listeners`: the ports of a zone ingress
 * or egress it runs), as Kuma's inspection shows them: inbounds without tags,
 * configured by the policies that select the proxy as a whole. The engine
 * builds no Envoy configuration for them yet, so only inspection reads them.
 */
import type { Resource } from '../../api/index.js';
import type { MatchedPolicy } from '../../xds/generate/index.js';

/** The inbound position inspection gives a listener: no inbound of the proxy has it. */
export const LISTENER = -1;

export interface Listener {
  readonly name?: string;
  readonly port: number;
}

export function listenersOf(dataplane: Resource): Listener[] {
  if (dataplane.kind !== 'Dataplane') return [];
  const networking = dataplane.spec['networking'] as { listeners?: readonly Listener[] } | undefined;
  return (networking?.listeners ?? []).map(({ name, port }) => (name === undefined ? { port } : { name, port }));
}

/** The listener a section names (its name, or its port when it has none). */
export const listenerNamed = (dataplane: Resource, section: string): Listener | undefined =>
  listenersOf(dataplane).find((l) => l.name === section || (l.name === undefined && String(l.port) === section));

/**
 * The matched policies as they stand for a listener: those whose top-level
 * targetRef is the whole proxy (the mesh, or the Dataplane without a section)
 * select it, at position LISTENER; the others select none of it.
 */
export function matchedForListener(matched: readonly MatchedPolicy[]): MatchedPolicy[] {
  return matched.map((match) => {
    const ref = match.policy.spec['targetRef'] as { kind?: string; sectionName?: string } | undefined;
    const whole =
      ref === undefined || ref.kind === 'Mesh' || (ref.kind === 'Dataplane' && ref.sectionName === undefined);
    return { ...match, inbounds: whole ? [LISTENER] : [] };
  });
}
