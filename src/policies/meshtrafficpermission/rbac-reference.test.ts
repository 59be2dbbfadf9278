/**
 * The compiled RBAC against the reference semantics, over many generated
 * policy sets: for every client of a small universe, what the Envoy engines
 * decide (interpreted by testing.ts) must equal what Kuma's rules say when
 * read directly: the first `from` rule the client matches (core's
 * `ruleForClient`) and the concatenated `rules` lists, combined as rbac.ts
 * documents. The generator is seeded, so a failure names a reproducible seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels, Resource } from '../../api/resource.js';
import { ruleForClient } from '../core/from-rules.js';
import { trafficPermissionRbac } from './rbac.js';
import { concatRuleLists } from './rule-lists.js';
import type { Action, Match } from './schema.js';
import { inputFor, mtp, outcomeFor, workload, type Outcome, type Peer } from './testing.js';

/** mulberry32: a tiny deterministic PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['a', 'b', 'c'];
const TAG_VALUES: Readonly<Record<string, readonly string[]>> = { team: ['x', 'y'], version: ['v1', 'v2'] };
const ACTIONS: readonly Action[] = ['Allow', 'Deny', 'AllowWithShadowDeny'];

/** Every client: one service, and each other tag absent or set to one of its values. */
const CLIENTS: Labels[] = SERVICES.flatMap((s) =>
  [undefined, ...TAG_VALUES['team']!].flatMap((team) =>
    [undefined, ...TAG_VALUES['version']!].map((version) => ({
      'kuma.io/service': s,
      ...(team === undefined ? {} : { team }),
      ...(version === undefined ? {} : { version }),
    })),
  ),
);

function generatePolicies(next: () => number): Resource[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const someTags = (): Record<string, string> => {
    const tags: Record<string, string> = {};
    for (const tag of Object.keys(TAG_VALUES)) if (next() < 0.6) tags[tag] = pick(TAG_VALUES[tag]!);
    return Object.keys(tags).length > 0 ? tags : { team: pick(TAG_VALUES['team']!) };
  };
  const source = (): Record<string, unknown> => {
    switch (pick(['Mesh', 'MeshSubset', 'MeshService', 'MeshServiceSubset'])) {
      case 'Mesh':
        return { kind: 'Mesh' };
      case 'MeshSubset':
        return { kind: 'MeshSubset', tags: someTags() };
      case 'MeshService':
        return { kind: 'MeshService', name: pick(SERVICES) };
      default:
        return { kind: 'MeshServiceSubset', name: pick(SERVICES), tags: someTags() };
    }
  };
  const match = (): Match =>
    next() < 0.5
      ? { spiffeID: { type: 'Exact', value: `spiffe://default/${pick(SERVICES)}` } }
      : { spiffeID: { type: 'Prefix', value: pick(['spiffe://default/', 'spiffe://default/b', 'spiffe://other/']) } };
  const list = (): Match[] => Array.from({ length: Math.floor(next() * 3) }, match);

  const policies = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => {
    const targetRef = next() < 0.5 ? { kind: 'Mesh' } : { kind: 'MeshService', name: 'backend' };
    const from = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
      targetRef: source(),
      default: { action: pick(ACTIONS) },
    }));
    return mtp(`from-${i}`, { targetRef, from });
  });
  if (next() < 0.4)
    policies.push(mtp('rules', { rules: [{ default: { deny: list(), allow: list(), allowWithShadowDeny: list() } }] }));
  return policies;
}

const matchesPeer = (match: Match, peer: Peer): boolean =>
  peer.uriSans.some((san) =>
    match.spiffeID.type === 'Exact' ? san === match.spiffeID.value : san.startsWith(match.spiffeID.value),
  );

/** Kuma's decision read straight from the rules, with AllowWithShadowDeny counted as `shadowAs`. */
function reference(
  policies: readonly Resource[],
  client: Labels,
  peer: Peer,
  shadowAs: 'Allow' | 'Deny',
): 'Allow' | 'Deny' {
  const input = inputFor(policies);
  const verdict = (action: Action) => (action === 'AllowWithShadowDeny' ? shadowAs : action);
  const deciding = ruleForClient(input.fromRules, client);
  const fromVerdict = deciding === undefined ? undefined : verdict((deciding.conf as { action: Action }).action);
  const lists = concatRuleLists(input.inboundRules ?? []);
  const shadowList = lists.allowWithShadowDeny.some((m) => matchesPeer(m, peer));
  if (lists.deny.some((m) => matchesPeer(m, peer)) || (shadowAs === 'Deny' && shadowList)) return 'Deny';
  if (fromVerdict === 'Deny' && Object.keys(deciding!.clientTags).length > 0) return 'Deny';
  if (lists.allow.some((m) => matchesPeer(m, peer)) || (shadowAs === 'Allow' && shadowList)) return 'Allow';
  return fromVerdict === 'Allow' ? 'Allow' : 'Deny';
}

function expectedOutcome(policies: readonly Resource[], client: Labels, peer: Peer): Outcome {
  const enforced = reference(policies, client, peer, 'Allow');
  const shadow = reference(policies, client, peer, 'Deny');
  return enforced === 'Deny' ? 'Deny' : shadow === 'Allow' ? 'Allow' : 'AllowWithShadowDeny';
}

test('the compiled engines decide as the rules read directly, for 300 generated policy sets', () => {
  const outcomesSeen = new Set<Outcome>();
  for (let seed = 1; seed <= 300; seed++) {
    const policies = generatePolicies(random(seed));
    const rbac = trafficPermissionRbac(inputFor(policies));
    for (const client of CLIENTS) {
      const peer = workload(client);
      const expected = expectedOutcome(policies, client, peer);
      outcomesSeen.add(expected);
      assert.equal(
        outcomeFor(rbac, peer),
        expected,
        `seed ${seed}, client ${JSON.stringify(client)}, policies ${JSON.stringify(policies.map((p) => p.spec))}`,
      );
    }
  }
  // The generator must exercise every outcome, or the comparison proves little.
  assert.deepEqual([...outcomesSeen].sort(), ['Allow', 'AllowWithShadowDeny', 'Deny']);
});
