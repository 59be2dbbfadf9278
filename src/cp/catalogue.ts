/**
 * The catalogue: every kind this control plane serves and every policy plugin
 * it applies, in order, both derived from the one policy list
 * (policies/index.ts) here in the composition root.
 *
 *   core kinds (api) ──┐
 *   policy modules ────┼─► kindRegistry       REST, validation, store tag index, CLI catalogue
 *                      └─► policyPlugins      the proxy build, in kind order (xds/build)
 *                          policyKindNames    what the mesh engine indexes and matches
 *
 * Light to import on purpose, and so not exported by cp/index.ts: `koguma
 * apply` loads it to validate documents and the build to write the CLI's kind
 * catalogue, neither of which needs the server.
 */
import { coreKinds, KindRegistry } from '../api/index.js';
import { policies } from '../policies/index.js';
import { pluginsInOrder } from '../xds/build/index.js';

/** Every kind this control plane serves. */
export const kindRegistry = new KindRegistry([...coreKinds, ...policies.map((policy) => policy.kind)]);

/** Every policy plugin, in the order it applies. */
export const policyPlugins = pluginsInOrder(policies);

/** The names of the policy kinds. */
export const policyKindNames: readonly string[] = policies.map((policy) => policy.kind.name);
