/**
 * What a Dataplane claims, in the terms a token is checked against
 * (dataplane-authorization.ts): its mesh, its name, and the tags of each
 * inbound and of its gateway. Tags are identity claims (they end up in its
 * certificate), so every place a proxy can state them is listed.
 */
import type { DataplaneRegistration } from './dataplane-authorization.js';

type TagsOnly = { readonly tags?: Readonly<Record<string, string>> | undefined };

/** The spec fields that carry tags; a full DataplaneSpec fits. */
export interface TaggedNetworking {
  readonly networking: {
    readonly inbound?: readonly TagsOnly[] | undefined;
    readonly gateway?: TagsOnly | undefined;
  };
}

export function registrationOf(mesh: string, name: string, spec: TaggedNetworking): DataplaneRegistration {
  const { inbound = [], gateway } = spec.networking;
  return {
    mesh,
    name,
    // An inbound without tags claims nothing a token could refuse.
    inboundTags: [...inbound.map((entry) => entry.tags ?? {}), ...(gateway === undefined ? [] : [gateway.tags ?? {}])],
    type: 'dataplane',
  };
}
