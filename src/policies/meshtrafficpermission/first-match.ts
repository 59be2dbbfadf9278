/**
 * Compiling a first-match list of client groups into principals.
 *
 * `fromRules` (core/from-rules.ts) answers "what applies to this client" with
 * a list read in order: the first rule whose group (a tag selector) the client
 * carries decides. Envoy RBAC has no order: an ALLOW engine allows when ANY of
 * its policies matches. So each rule must become a principal matching exactly
 * the clients that rule decides. That principal is
 *
 *   group(r) AND NOT (group(q) for every rule q not chosen with q ⊄ r)
 *
 * where "chosen" is the set of rules being compiled (say, the Allow rules) and
 * q ⊄ r means q's selector is not contained in r's (q is not a generalisation
 * of r). Why this is exact for a client carrying one value per tag: the rules
 * are closed under overlap (for any two groups a client can be in, their union
 * is a rule too), so the rule deciding a client, d, is the union of every
 * group the client is in, and every other rule it matches is contained in d.
 * If d is chosen, none of those can exclude the client from d's principal. If
 * d is not chosen, any chosen r the client matches has d ⊄ r, so r's
 * principal excludes the client. Either way d alone decides.
 * A client carrying several values of one tag (several services, say) gets
 * the safe reading: an Allow never admits it if it also belongs to a Deny group
 * that is not a generalisation of that Allow.
 *
 * Example, `from: [Mesh Allow, MeshService other Deny]`, rules
 * [other: Deny, Mesh: Allow], compiling the Allow rules:
 *
 *   Mesh:  member AND NOT spiffe://<mesh>/other      (other ⊄ Mesh)
 *
 * Inside group(r), a client already carries r's tags, so q's part already in r
 * is dropped from the exclusion (q \ r, never empty as q ⊄ r), and an
 * exclusion implied by a smaller one is left out.
 */
import type { Labels } from '../../api/index.js';
import type { Principal } from '../../xds/envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { allOfPrincipals, anyOfPrincipals, notPrincipal } from '../../xds/generate/index.js';
import { selectorKey, selectorMatches } from '../core/index.js';
import { groupPrincipal, tagsPrincipal } from './client-principals.js';

/** Anything with a client group; a FromRule is one. */
export interface GroupedRule {
  readonly clientTags: Labels;
}

/** The pairs of `q` that `r` does not already require. */
function tagsBeyond(q: Labels, r: Labels): Labels {
  return Object.fromEntries(Object.entries(q).filter(([key, value]) => r[key] !== value));
}

/** Drops every selector that contains a smaller one of the list: excluding the smaller excludes it too. */
function minimalSelectors(selectors: readonly Labels[]): Labels[] {
  const unique = [...new Map(selectors.map((s) => [selectorKey(s), s])).values()];
  return unique.filter((s) => !unique.some((other) => other !== s && selectorMatches(other, s)));
}

/** Clients carrying all tags of any of `selectors` (none empty), redundant ones left out; no membership check. */
export const carryingAnyOf = (mesh: string, selectors: readonly Labels[]): Principal[] =>
  minimalSelectors(selectors).map((tags) => tagsPrincipal(mesh, tags));

/** `principal AND NOT (any of excluded)`, or `principal` alone when nothing is excluded. */
export function excluding(principal: Principal, excluded: readonly Principal[]): Principal {
  return excluded.length === 0 ? principal : allOfPrincipals([principal, notPrincipal(anyOfPrincipals(excluded))]);
}

/** The clients a rule decides: in `group`, and in none of `excluded`. */
export interface DecidedClients<R> {
  readonly rule: R;
  readonly group: Principal;
  readonly excluded: readonly Principal[];
}

/**
 * For each chosen rule, in list order, the clients it decides (see the module
 * comment), as a group and exclusions so callers can add their own. `rules`
 * must be closed under overlap, as one `fromRules` result is; their order
 * does not matter here.
 */
export function decidedBy<R extends GroupedRule>(
  mesh: string,
  rules: readonly R[],
  chosen: (rule: R) => boolean,
): Array<DecidedClients<R>> {
  const others = rules.filter((rule) => !chosen(rule));
  return rules.filter(chosen).map((rule) => {
    const beyond = others
      .filter((other) => !selectorMatches(other.clientTags, rule.clientTags))
      .map((other) => tagsBeyond(other.clientTags, rule.clientTags));
    return { rule, group: groupPrincipal(mesh, rule.clientTags), excluded: carryingAnyOf(mesh, beyond) };
  });
}
