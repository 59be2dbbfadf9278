/**
 * Which Dataplanes a MeshService stands for, by its `selector`:
 *
 *   dataplaneRef     the Dataplane of that name
 *   dataplaneTags    Dataplanes with an inbound (or, for a gateway, gateway
 *                    tags) carrying every tag; a value of `*` asks only that
 *                    the tag be there
 *   dataplaneLabels  Dataplanes whose labels carry every `matchLabels` pair
 *
 * A MeshService without a selector stands for none.
 */
import type { Labels, Resource } from '../api/index.js';
import { selectorMatches } from '../policies/core/index.js';

interface Selector {
  readonly dataplaneRef?: { readonly name?: string };
  readonly dataplaneTags?: Labels;
  readonly dataplaneLabels?: { readonly matchLabels?: Labels };
}

interface DataplaneNetworking {
  readonly inbound?: readonly { readonly tags?: Labels }[];
  readonly gateway?: { readonly tags?: Labels };
}

const tagsMatch = (selector: Labels, tags: Labels | undefined): boolean =>
  tags !== undefined &&
  Object.entries(selector).every(([key, value]) => Object.hasOwn(tags, key) && (value === '*' || tags[key] === value));

/** Whether the MeshService (its spec) selects the Dataplane. */
export function meshServiceSelects(serviceSpec: Readonly<Record<string, unknown>>, dataplane: Resource): boolean {
  const selector = serviceSpec['selector'] as Selector | undefined;
  if (selector === undefined) return false;
  if (selector.dataplaneRef !== undefined) return selector.dataplaneRef.name === dataplane.name;
  if (selector.dataplaneTags !== undefined) {
    const networking = dataplane.spec['networking'] as DataplaneNetworking | undefined;
    const wanted = selector.dataplaneTags;
    return (
      tagsMatch(wanted, networking?.gateway?.tags) ||
      (networking?.inbound ?? []).some((inbound) => tagsMatch(wanted, inbound.tags))
    );
  }
  if (selector.dataplaneLabels !== undefined)
    return selectorMatches(selector.dataplaneLabels.matchLabels ?? {}, dataplane.labels);
  return false;
}
