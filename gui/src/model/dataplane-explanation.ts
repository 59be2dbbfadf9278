/**
 * Why a proxy is configured as it is, drawn for people from Koguma's
 * explanation (`_rules?format=koguma`): per outbound destination a card of the
 * policy kinds shaping it, each with the policies merged in order and the
 * merged result; under it, per MeshHTTPRoute to that destination, what the
 * policies targeting the route made of its traffic; per inbound, the client
 * groups and rules; and the proxy-wide defaults. Pure: data in, data out.
 */
import type { Schemas } from '../api/client';

export type Explanation = Schemas['DataplaneExplanation'];
type KindRules = Explanation['policies'][number];
export type InboundRef = Schemas['InboundRef'];
export type PolicyEntryRef = Schemas['PolicyEntryRef'];

/** One policy kind's effect on a part: the entries merged, lowest priority first, and the result. */
export interface KindEffect {
  readonly kind: string;
  readonly from: readonly PolicyEntryRef[];
  readonly conf: unknown;
}

export interface RouteCard {
  /** The MeshHTTPRoutes the route's rules came from. */
  readonly routes: readonly string[];
  readonly effects: readonly KindEffect[];
}

export interface DestinationCard {
  readonly key: string;
  readonly destination: { readonly kind: string; readonly name: string };
  readonly effects: readonly KindEffect[];
  readonly routes: readonly RouteCard[];
}

export interface InboundEffect {
  readonly kind: string;
  /** Per client group, most specific first: who it is, the policies merged, the result. */
  readonly clients: readonly {
    readonly source: unknown;
    readonly policies: readonly string[];
    readonly conf: unknown;
  }[];
  /** The `rules[]` entries, lowest priority first, and what every request gets. */
  readonly rules: readonly { readonly match?: unknown; readonly from: PolicyEntryRef; readonly conf: unknown }[];
  readonly catchAll?: unknown;
}

export interface InboundCard {
  readonly key: string;
  readonly inbound: InboundRef;
  readonly effects: readonly InboundEffect[];
}

export interface ProxyDefault {
  readonly kind: string;
  readonly policies: readonly string[];
  readonly conf: unknown;
}

export interface ExplanationView {
  readonly destinations: readonly DestinationCard[];
  readonly inbounds: readonly InboundCard[];
  readonly defaults: readonly ProxyDefault[];
  /** Per kind, the policies selecting the proxy, lowest priority first. */
  readonly matched: readonly { readonly kind: string; readonly policies: readonly string[] }[];
  readonly warnings: readonly string[];
}

const destinationKey = (d: { kind: string; name: string }) => `${d.kind}/${d.name}`;
const inboundKey = (i: InboundRef) => `${i.port}/${i.service}/${i.name ?? ''}`;

/** The route names a `routeRules` entry lists (Koguma joins a route's MeshHTTPRoutes with commas). */
export const routeNames = (route: string): string[] => (route === '' ? [] : route.split(','));

export function explain(explanation: Explanation): ExplanationView {
  const destinations = new Map<
    string,
    { destination: { kind: string; name: string }; effects: KindEffect[]; routes: Map<string, KindEffect[]> }
  >();
  const destinationOf = (d: { kind: string; name: string }) => {
    const key = destinationKey(d);
    let card = destinations.get(key);
    if (card === undefined) {
      card = { destination: { kind: d.kind, name: d.name }, effects: [], routes: new Map() };
      destinations.set(key, card);
    }
    return card;
  };
  const inbounds = new Map<string, { inbound: InboundRef; effects: InboundEffect[] }>();
  const inboundOf = (i: InboundRef) => {
    const key = inboundKey(i);
    let card = inbounds.get(key);
    if (card === undefined) {
      card = { inbound: i, effects: [] };
      inbounds.set(key, card);
    }
    return card;
  };
  const effectOf = (card: { effects: InboundEffect[] }, kind: string) => {
    let effect = card.effects.find((e) => e.kind === kind);
    if (effect === undefined) {
      effect = { kind, clients: [], rules: [] };
      card.effects.push(effect);
    }
    return effect as { -readonly [K in keyof InboundEffect]: InboundEffect[K] };
  };

  const defaults: ProxyDefault[] = [];
  for (const rules of explanation.policies as KindRules[]) {
    for (const to of rules.to)
      destinationOf(to.destination).effects.push({ kind: rules.kind, from: to.from, conf: to.conf });
    for (const route of rules.routeRules ?? []) {
      const routes = destinationOf(route.destination).routes;
      const effects = routes.get(route.route) ?? [];
      effects.push({ kind: rules.kind, from: route.from, conf: route.conf });
      routes.set(route.route, effects);
    }
    for (const from of rules.from)
      effectOf(inboundOf(from.inbound), rules.kind).clients = from.rules.map((r) => ({
        source: r.source,
        policies: r.policies,
        conf: r.conf,
      }));
    for (const inbound of rules.rules) {
      const effect = effectOf(inboundOf(inbound.inbound), rules.kind);
      effect.rules = inbound.rules.map((r) => ({
        ...(r.match === undefined ? {} : { match: r.match }),
        from: r.from,
        conf: r.conf,
      }));
      effect.catchAll = inbound.catchAll;
    }
    if (rules.default !== undefined)
      defaults.push({ kind: rules.kind, policies: rules.matched.map((m) => m.name), conf: rules.default });
  }

  return {
    destinations: [...destinations.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, card]) => ({
        key,
        destination: card.destination,
        effects: card.effects,
        routes: [...card.routes.entries()].map(([route, effects]) => ({ routes: routeNames(route), effects })),
      })),
    inbounds: [...inbounds.entries()]
      .sort(([, a], [, b]) => a.inbound.port - b.inbound.port)
      .map(([key, card]) => ({ key, inbound: card.inbound, effects: card.effects })),
    defaults,
    matched: explanation.policies.map((p) => ({ kind: p.kind, policies: p.matched.map((m) => m.name) })),
    warnings: explanation.warnings,
  };
}

/** Whether an `_rules` answer is Koguma's explanation (format=koguma) rather than Kuma's rules. */
export function isExplanation(body: unknown): body is Explanation {
  return typeof body === 'object' && body !== null && Array.isArray((body as { policies?: unknown }).policies);
}

/** What the `to[]` entry at `index` of a policy's spec set: its `default`, or a route's `rules`. */
export function entryContribution(spec: unknown, index: number | undefined): unknown {
  if (index === undefined || typeof spec !== 'object' || spec === null) return undefined;
  const entries = (spec as { to?: unknown }).to;
  if (!Array.isArray(entries)) return undefined;
  const entry = entries[index] as { default?: unknown; rules?: unknown } | undefined;
  return entry?.default ?? entry?.rules;
}

export interface ConfField {
  readonly path: string;
  readonly value: string;
}

/**
 * A conf as the fields it sets, one line a leaf: `http.requestTimeout` →
 * `15s`; lists of plain values joined, lists of objects numbered
 * (`backendRefs[0].name`); an empty object or list is one line of its own.
 */
export function confFields(conf: unknown, prefix = ''): ConfField[] {
  if (conf === undefined) return [];
  if (conf === null || typeof conf !== 'object') return [{ path: prefix, value: String(conf) }];
  if (Array.isArray(conf)) {
    if (conf.length === 0) return [{ path: prefix, value: '[]' }];
    if (conf.every((v) => v === null || typeof v !== 'object'))
      return [{ path: prefix, value: conf.map((v) => String(v)).join(', ') }];
    return conf.flatMap((v, i) => confFields(v, `${prefix}[${i}]`));
  }
  const entries = Object.entries(conf);
  if (entries.length === 0) return [{ path: prefix, value: '{}' }];
  return entries.flatMap(([key, value]) => confFields(value, prefix === '' ? key : `${prefix}.${key}`));
}

/** The distinct policies an explanation names, by kind: what the page reads to show each one's own entry. */
export function policiesNamed(view: ExplanationView): { kind: string; name: string }[] {
  const seen = new Map<string, { kind: string; name: string }>();
  for (const card of view.destinations)
    for (const effect of [...card.effects, ...card.routes.flatMap((r) => r.effects)])
      for (const ref of effect.from) seen.set(`${effect.kind}/${ref.name}`, { kind: effect.kind, name: ref.name });
  return [...seen.values()];
}
