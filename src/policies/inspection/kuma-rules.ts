/**
 * `GET /meshes/{mesh}/dataplanes/{name}/_rules` in Kuma's shape: per policy
 * kind selecting the proxy (plugin order) the rules it resolves to, as Kuma
 * lists them, and the MeshHTTPRoute matches by hash. Pure: the engine's
 * ProxyContext, the Dataplane and the mesh's destination resources in:
 *
 *   fromRules        per inbound, one rule per client group: `from[]` entries merged
 *   inboundRules     per inbound, one rule per `rules[]` entry (or `from[]` entry naming the mesh)
 *   toResourceRules  per destination resource (the Mesh, a MeshService, one port of it...)
 *                    that some `to[]` entry names: every entry covering it, merged
 *   toRules          per tag subset the `to[]` entries name (a service, a MeshHTTPRoute
 *                    rule's matches, the whole mesh): the entries covering it, merged
 *                    (the service-tag view, kuma-to-rules.ts)
 *   proxyRule        the top-level `default`s merged
 *
 * Merging is policies/core's, the one the proxy's configuration is built with.
 * Koguma's own, richer explanation is `rules.ts` (`?format=koguma`).
 */
import { createHash } from 'node:crypto';
import type { Labels, Resource } from '../../api/index.js';
import {
  fromRules,
  inboundRules,
  resolveTopLevelDefault,
  ruleEntries,
  toEntries,
  toEntriesFor,
  type Destination,
  type MatchedPolicy,
} from '../core/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import { kumaConf } from './kuma-conf.js';
import { kumaToConfs, type ToEntryShape } from './kuma-route-confs.js';
import { kumaToRules } from './kuma-to-rules.js';
import { kindsOf } from './kuma-policies.js';
import { destinationPorts } from './layout.js';
import { LISTENER, listenersOf, matchedForListener } from './listeners.js';

interface Meta {
  readonly labels: Labels;
  readonly mesh: string;
  readonly name: string;
  readonly type: string;
}
interface Matcher {
  readonly key: string;
  readonly not: boolean;
  readonly value: string;
}
interface InboundKey {
  readonly name?: string;
  readonly port: number;
  readonly tags: Labels;
}

const ROUTE_KINDS = new Set(['MeshHTTPRoute', 'MeshTCPRoute']);

export const metaOf = (resource: Resource): Meta => ({
  labels: resource.labels,
  mesh: resource.mesh,
  name: resource.name,
  type: resource.kind,
});

/** A MeshHTTPRoute `matches` list's key: Kuma's hash of it (base64 SHA-256 of its JSON, fields in Kuma's order). */
export function matchesHash(matches: unknown): string {
  const ordered = (value: unknown, order: readonly string[]): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const keys = [...order.filter((k) => k in record), ...Object.keys(record).filter((k) => !order.includes(k))];
    return Object.fromEntries(keys.map((k) => [k, record[k]]));
  };
  const canonical = (Array.isArray(matches) ? matches : []).map((match) => {
    const m = ordered(match, ['path', 'method', 'queryParams', 'headers']) as Record<string, unknown>;
    return {
      ...m,
      ...(m['path'] === undefined ? {} : { path: ordered(m['path'], ['value', 'type']) }),
      ...(Array.isArray(m['queryParams'])
        ? { queryParams: m['queryParams'].map((q) => ordered(q, ['type', 'name', 'value'])) }
        : {}),
      ...(Array.isArray(m['headers'])
        ? { headers: m['headers'].map((h) => ordered(h, ['type', 'name', 'value'])) }
        : {}),
    };
  });
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64');
}

const inboundKeyOf = (proxy: ProxyContext, i: number): InboundKey => {
  const inbound = proxy.inbounds[i]!;
  return { ...(inbound.name === undefined ? {} : { name: inbound.name }), port: inbound.port, tags: inbound.tags };
};

const matchersOf = (tags: Labels): Matcher[] =>
  Object.keys(tags)
    .sort()
    .map((key) => ({ key, not: false, value: tags[key]! }));

function fromRulesOf(proxy: ProxyContext, kind: string, matched: readonly MatchedPolicy[]) {
  return proxy.inbounds.flatMap((_, i) => {
    const rules = fromRules(matched, i).filter((rule) => rule.conf !== undefined);
    if (rules.length === 0) return [];
    return [
      {
        inbound: inboundKeyOf(proxy, i),
        rules: rules.map((rule) => ({
          conf: kumaConf(kind, 'from', rule.conf),
          matchers: matchersOf(rule.clientTags),
          origin: rule.policies.map(metaOf),
        })),
      },
    ];
  });
}

function inboundRulesOf(proxy: ProxyContext, resource: Resource, kind: string, matched: readonly MatchedPolicy[]) {
  const forListeners = listenersOf(resource).length === 0 ? [] : matchedForListener(matched);
  const parts = [
    ...proxy.inbounds.map((_, i) => ({ key: inboundKeyOf(proxy, i), matched, position: i })),
    ...listenersOf(resource).map((listener) => ({
      key: { port: listener.port, tags: null },
      matched: forListeners,
      position: LISTENER,
    })),
  ];
  return parts.flatMap(({ key, matched, position }) => {
    const seen = new Set<string>();
    const rules = inboundRules(matched, position, { fromAsRules: true }).filter((rule) => {
      const key = `${rule.policy.name}\u0000${rule.index}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    if (rules.length === 0) return [];
    return [
      {
        inbound: key,
        rules: rules.map((rule) => ({
          conf: [kumaConf(kind, ruleEntries(rule.policy).length > 0 ? 'rules' : 'from', rule.conf)],
          origin: [{ resourceMeta: metaOf(rule.policy), ruleIndex: rule.index }],
        })),
      },
    ];
  });
}

/** The confs the `to[]` entries covering a destination merge to (kuma-route-confs.ts). */
const confsFor = (kind: string, matched: readonly MatchedPolicy[], destination: Destination): unknown[] =>
  kumaToConfs(
    kind,
    toEntriesFor(matched, destination).map(({ entry }) => entry as ToEntryShape),
  );

/** A destination no entry names: only the entries naming the whole mesh cover it. */
const WHOLE_MESH: Destination = { kind: 'MeshService', service: '' };

interface NamedTarget {
  readonly kind: string;
  readonly name?: string;
  readonly labels?: Labels;
  readonly sectionName?: string;
}

const targetsOf = (matched: readonly MatchedPolicy[]): NamedTarget[] =>
  matched.filter((m) => m.routes === undefined).flatMap((m) => toEntries(m.policy).map((entry) => entry.targetRef));

/** One item per destination resource (or port of it) some `to[]` entry names, by name, then section. */
function toResourceRulesOf(
  kind: string,
  matched: readonly MatchedPolicy[],
  mesh: Resource | undefined,
  destinations: readonly Resource[],
) {
  const targets = targetsOf(matched);
  const items: { meta: Meta; destination: Destination; section: string }[] = [];
  if (mesh !== undefined && targets.some((t) => t.kind === 'Mesh'))
    items.push({ meta: { ...metaOf(mesh), mesh: '' }, destination: WHOLE_MESH, section: '' });
  for (const resource of destinations) {
    const named = targets.filter(
      (t) =>
        t.kind === resource.kind &&
        (t.name === undefined || t.name === resource.name) &&
        (t.labels === undefined || Object.entries(t.labels).every(([k, v]) => resource.labels[k] === v)) &&
        (t.name !== undefined || t.labels !== undefined),
    );
    const base = { kind: resource.kind as Destination['kind'], service: resource.name, labels: resource.labels };
    if (named.some((t) => t.sectionName === undefined))
      items.push({ meta: metaOf(resource), destination: base, section: '' });
    for (const port of destinationPorts(resource))
      if (named.some((t) => t.sectionName === port.sectionName || t.sectionName === String(port.port)))
        items.push({
          meta: metaOf(resource),
          destination: { ...base, port: port.port, ...(port.name === undefined ? {} : { sectionName: port.name }) },
          section: port.sectionName,
        });
  }
  return items
    .sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0))
    .flatMap(({ meta, destination, section }) => {
      const entries = toEntriesFor(matched, destination);
      if (entries.length === 0) return [];
      return [
        {
          conf: confsFor(kind, matched, destination),
          origin: entries.map(({ policy, index }) => ({ resourceMeta: metaOf(policy), ruleIndex: index })),
          resourceMeta: meta,
          resourceSectionName: section,
        },
      ];
    });
}

/** Kuma's `toRules` (kuma-to-rules.ts); none in a mesh whose MeshServices are Exclusive. */
function toRulesOf(
  kind: string,
  matched: readonly MatchedPolicy[],
  routes: ReadonlyMap<string, Resource>,
  exclusive: boolean,
) {
  if (exclusive) return [];
  return kumaToRules(kind, matched, routes, matchesHash).map((rule) => ({
    conf: rule.conf,
    matchers: rule.matchers,
    origin: rule.policies.map(metaOf),
  }));
}

export interface KumaRulesInput {
  readonly proxy: ProxyContext;
  /** What the rules are of: the Dataplane, or the MeshGateway a builtin gateway would be served by. */
  readonly resource: Resource;
  readonly mesh: Resource | undefined;
  /** The mesh's MeshServices, MeshExternalServices and MeshMultiZoneServices. */
  readonly destinations: readonly Resource[];
  /** Warnings of the proxy's last built configuration; each goes to the kind it names first. */
  readonly warnings: readonly string[];
}

export function kumaRulesOf(input: KumaRulesInput) {
  const { proxy, resource, mesh, destinations, warnings } = input;
  const httpMatches = new Map<string, unknown>();
  const exclusive = (mesh?.spec['meshServices'] as { mode?: string } | undefined)?.mode === 'Exclusive';
  const routes = new Map((proxy.policies?.get('MeshHTTPRoute') ?? []).map((m) => [m.policy.name, m.policy] as const));
  const rules = kindsOf(proxy).flatMap(([kind, matched]) => {
    const withDefault = matched.filter((m) => m.policy.spec['default'] !== undefined);
    const proxyRule =
      withDefault.length === 0
        ? undefined
        : {
            conf: kumaConf(kind, 'default', resolveTopLevelDefault(withDefault)),
            origin: withDefault.map((m) => metaOf(m.policy)),
          };
    if (kind === 'MeshHTTPRoute')
      for (const m of matched)
        for (const entry of toEntries(m.policy))
          for (const rule of (entry as { rules?: readonly { matches?: unknown }[] }).rules ?? [])
            httpMatches.set(matchesHash(rule.matches), rule.matches);
    const fromRules = ROUTE_KINDS.has(kind) ? [] : fromRulesOf(proxy, kind, matched);
    const inboundRules = ROUTE_KINDS.has(kind) ? [] : inboundRulesOf(proxy, resource, kind, matched);
    const toResourceRules = toResourceRulesOf(kind, matched, mesh, destinations);
    const toRules = toRulesOf(kind, matched, routes, exclusive);
    const kindWarnings = warnings.filter((w) => w.startsWith(`${kind}:`));
    if (
      proxyRule === undefined &&
      fromRules.length + inboundRules.length + toResourceRules.length + toRules.length + kindWarnings.length === 0
    )
      return [];
    return [
      {
        type: kind,
        fromRules,
        inboundRules,
        toResourceRules,
        toRules,
        ...(proxyRule === undefined ? {} : { proxyRule }),
        warnings: kindWarnings,
      },
    ];
  });
  return {
    httpMatches: [...httpMatches]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([hash, match]) => ({ hash, match })),
    resource: { labels: resource.labels, mesh: resource.mesh, name: resource.name, type: resource.kind },
    rules,
  };
}
