/**
 * What a route does to a request besides choosing a cluster: answer with a
 * redirect, rewrite the host or the path before forwarding, and copy the
 * request to a mirror cluster (the mirror's answer is discarded).
 *
 * Path rewrites come in two shapes: the whole path replaced (a regex rewrite
 * of `^/.*$`), or the matched prefix replaced, segment-wise: replacing a
 * prefix with `/` is a regex rewrite too, so `/api/x` becomes `/x` and not
 * `//x`; replacing the prefix `/` with `/v2` rewrites `/x` to `/v2/x`, not
 * `/v2x`.
 */
import { create } from '@bufbuild/protobuf';
import {
  RedirectAction_RedirectResponseCode,
  RedirectActionSchema,
  RouteAction_RequestMirrorPolicySchema,
  type RedirectAction,
  type RouteAction,
  type RouteAction_RequestMirrorPolicy,
} from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { FractionalPercent_DenominatorType } from '../../envoy/gen/envoy/type/v3/percent_pb.js';
import {
  RegexMatchAndSubstituteSchema,
  type RegexMatchAndSubstitute,
} from '../../envoy/gen/envoy/type/matcher/v3/regex_pb.js';

export type PathRewriteInput =
  | { readonly kind: 'fullPath'; readonly value: string }
  /** `matchedPrefix` is the prefix the route matched, which `value` replaces. */
  | { readonly kind: 'prefix'; readonly matchedPrefix: string; readonly value: string };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const regexRewrite = (regex: string, substitution: string): RegexMatchAndSubstitute =>
  create(RegexMatchAndSubstituteSchema, { pattern: { regex }, substitution });

const FULL_PATH = '^/.*$';

/** The prefix rewrite to `/` as a regex: the prefix and the slashes after it become one `/`. */
const prefixToRoot = (matchedPrefix: string): RegexMatchAndSubstitute =>
  regexRewrite(`^${escapeRegex(matchedPrefix.replace(/\/+$/, ''))}/*`, '/');

/** What replaces the matched prefix `/`: the new prefix as a whole segment. */
const rootReplacement = (value: string): string => (value.endsWith('/') ? value : `${value}/`);

/** The literal `prefix_rewrite` for a prefix replacement that is not a strip to `/`. */
const prefixRewriteOf = (path: { readonly matchedPrefix: string; readonly value: string }): string =>
  path.matchedPrefix === '/' ? rootReplacement(path.value) : path.value;

const REDIRECT_CODES: Readonly<Record<number, RedirectAction_RedirectResponseCode>> = {
  301: RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: RedirectAction_RedirectResponseCode.FOUND,
  303: RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

export interface RedirectInput {
  readonly scheme?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: PathRewriteInput;
  /** 301, 302, 303, 307 or 308; default 302. */
  readonly statusCode?: number;
}

export function buildRedirectAction(input: RedirectInput): RedirectAction {
  const redirect = create(RedirectActionSchema, {
    responseCode: REDIRECT_CODES[input.statusCode ?? 302] ?? RedirectAction_RedirectResponseCode.FOUND,
    hostRedirect: input.hostname ?? '',
    portRedirect: input.port ?? 0,
  });
  if (input.scheme !== undefined) redirect.schemeRewriteSpecifier = { case: 'schemeRedirect', value: input.scheme };
  const path = input.path;
  if (path?.kind === 'fullPath') redirect.pathRewriteSpecifier = { case: 'pathRedirect', value: path.value };
  else if (path?.kind === 'prefix' && path.value === '/' && path.matchedPrefix !== '/')
    redirect.pathRewriteSpecifier = { case: 'regexRewrite', value: prefixToRoot(path.matchedPrefix) };
  else if (path?.kind === 'prefix')
    redirect.pathRewriteSpecifier = { case: 'prefixRewrite', value: prefixRewriteOf(path) };
  return redirect;
}

/** Sets the host and path rewrites of a forwarding route's action. */
export function applyUrlRewrite(
  action: RouteAction,
  rewrite: { readonly hostname?: string; readonly path?: PathRewriteInput },
): void {
  if (rewrite.hostname !== undefined)
    action.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: rewrite.hostname };
  const path = rewrite.path;
  if (path?.kind === 'fullPath') action.regexRewrite = regexRewrite(FULL_PATH, path.value);
  else if (path?.kind === 'prefix' && path.value === '/' && path.matchedPrefix !== '/')
    action.regexRewrite = prefixToRoot(path.matchedPrefix);
  else if (path?.kind === 'prefix') action.prefixRewrite = prefixRewriteOf(path);
}

/** Mirrors `percent` (0..100, fractions allowed) of requests to `cluster`. */
export function buildRequestMirrorPolicy(cluster: string, percent: number): RouteAction_RequestMirrorPolicy {
  return create(RouteAction_RequestMirrorPolicySchema, {
    cluster,
    // Per million, so fractional percentages such as 0.5 keep their precision.
    runtimeFraction: {
      defaultValue: { numerator: Math.round(percent * 10_000), denominator: FractionalPercent_DenominatorType.MILLION },
    },
  });
}
