/**
 * Route order: Envoy and gRPC take the first route that matches, so the most
 * specific match goes first, following Gateway API's precedence (which Kuma
 * follows too), in this order of criteria:
 *
 *   1. path kind: Exact, then PathPrefix, then RegularExpression; a match
 *      without a path counts as PathPrefix `/` (as in Gateway API), so a
 *      header-only match still beats a rule on prefix `/` without headers
 *   2. longer path value first: a PathPrefix of more characters, and (as
 *      Kuma does) a longer RegularExpression, so `/re/[0-9]+` is tried before
 *      a catch-all `/.*` whatever the order they were written in
 *   3. a method match before none
 *   4. more header matches first
 *   5. more query parameter matches first
 *
 * Routes equal on all five keep their order (sort is stable).
 */
import type { HttpMatch } from './schema.js';

const PATH_KIND_RANK = { Exact: 0, PathPrefix: 1, RegularExpression: 2 } as const;

const pathRank = (match: HttpMatch): number => PATH_KIND_RANK[match.path?.type ?? 'PathPrefix'];
/** Characters of the path value (1 for the implied `/`). */
const pathLength = (match: HttpMatch): number => match.path?.value.length ?? 1;

/** Negative when `a` must come before `b`. */
export function compareRouteSpecificity(a: HttpMatch, b: HttpMatch): number {
  return (
    pathRank(a) - pathRank(b) ||
    pathLength(b) - pathLength(a) ||
    Number(b.method !== undefined) - Number(a.method !== undefined) ||
    (b.headers?.length ?? 0) - (a.headers?.length ?? 0) ||
    (b.queryParams?.length ?? 0) - (a.queryParams?.length ?? 0)
  );
}
