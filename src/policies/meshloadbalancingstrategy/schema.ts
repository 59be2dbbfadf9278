/**
 * MeshLoadBalancingStrategy: how a proxy spreads requests over a destination's
 * endpoints: the algorithm (round robin, least request, ring hash, random,
 * Maglev, with hash policies for the consistent-hash ones) and locality
 * awareness (affinity inside a zone, failover order across zones). For a
 * MeshHTTPRoute destination only `hashPolicies` apply.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  type InvalidParameter,
  AnyCaseHeaderName,
  Duration,
  Percentage,
  Strict,
  StringEnum,
  Uint32,
} from '../../api/index.js';
import { definePolicy, TargetRef, TO_OR_ROUTE_KINDS, TOP_LEVEL_PROXY_KINDS } from '../core/index.js';

const Name = () => Type.String({ minLength: 1 });
const HASH_TYPES = ['Header', 'Cookie', 'Connection', 'SourceIP', 'QueryParameter', 'FilterState'] as const;
export const HashPolicy = Strict({
  type: StringEnum(HASH_TYPES),
  terminal: Type.Optional(
    Type.Boolean({ description: 'Stop at this policy when it produced a hash (default false).' }),
  ),
  header: Type.Optional(Strict({ name: AnyCaseHeaderName() })),
  cookie: Type.Optional(
    Strict({
      name: Name(),
      ttl: Type.Optional(Duration({ description: 'Generate the cookie with this TTL when absent.' })),
      path: Type.Optional(Type.String()),
    }),
  ),
  connection: Type.Optional(
    Strict({ sourceIP: Type.Optional(Type.Boolean({ description: 'Hash on the source IP address.' })) }),
  ),
  queryParameter: Type.Optional(Strict({ name: Name() })),
  filterState: Type.Optional(Strict({ key: Name() })),
});
export type HashPolicy = Static<typeof HashPolicy>;
const HashPolicies = () =>
  Type.Optional(Type.Array(HashPolicy, { description: 'Request properties hashed in order.' }));

const RingSize = (description: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: 8_000_000, description }));
const LoadBalancer = Strict({
  type: StringEnum(['RoundRobin', 'LeastRequest', 'RingHash', 'Random', 'Maglev']),
  roundRobin: Type.Optional(Strict({})),
  leastRequest: Type.Optional(
    Strict({
      choiceCount: Type.Optional(Uint32({ minimum: 2, description: 'Random hosts compared per pick (default 2).' })),
      activeRequestBias: Type.Optional(
        Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' })], {
          errorMessage: 'must be a non-negative number, or a decimal string',
          description: 'How strongly active requests lower a host weight (default 1.0).',
        }),
      ),
    }),
  ),
  ringHash: Type.Optional(
    Strict({
      hashFunction: Type.Optional(
        StringEnum(['XXHash', 'MurmurHash2'], { description: 'Hash placing hosts on the ring (default XXHash).' }),
      ),
      minRingSize: RingSize('Minimum ring entries (default 1024).'),
      maxRingSize: RingSize('Maximum ring entries (default 8000000).'),
      hashPolicies: HashPolicies(),
    }),
  ),
  random: Type.Optional(Strict({})),
  maglev: Type.Optional(
    Strict({
      tableSize: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 5_000_011, description: 'A prime table size (default 65537).' }),
      ),
      hashPolicies: HashPolicies(),
    }),
  ),
});
type LoadBalancer = Static<typeof LoadBalancer>;

const Zones = () => Type.Array(Type.String({ minLength: 1 }));
const LocalityAwareness = Strict({
  disabled: Type.Optional(
    Type.Boolean({ description: 'Ignore locality and spread over all endpoints (default false).' }),
  ),
  localZone: Type.Optional(
    Strict({
      affinityTags: Type.Optional(
        Type.Array(
          Strict({
            key: Type.String({ minLength: 1 }),
            weight: Type.Optional(
              Uint32({ minimum: 1, description: 'Relative priority; unset on all tags means 90/9/1 by list order.' }),
            ),
          }),
        ),
      ),
    }),
  ),
  crossZone: Type.Optional(
    Strict({
      failover: Type.Optional(
        Type.Array(
          Strict({
            from: Type.Optional(Strict({ zones: Zones() })),
            to: Strict({ type: StringEnum(['None', 'Only', 'Any', 'AnyExcept']), zones: Type.Optional(Zones()) }),
          }),
        ),
      ),
      failoverThreshold: Type.Optional(
        Strict({
          percentage: Percentage({ description: 'Healthy share below which the next priority is used (default 50).' }),
        }),
      ),
    }),
  ),
});
type LocalityAwareness = Static<typeof LocalityAwareness>;

export const MeshLoadBalancingStrategyConf = Strict({
  localityAwareness: Type.Optional(LocalityAwareness),
  loadBalancer: Type.Optional(LoadBalancer),
  hashPolicies: HashPolicies(),
});
export type MeshLoadBalancingStrategyConf = Static<typeof MeshLoadBalancingStrategyConf>;

export const MeshLoadBalancingStrategySpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Optional(
    Type.Array(
      Strict({ targetRef: TargetRef(TO_OR_ROUTE_KINDS), default: Type.Optional(MeshLoadBalancingStrategyConf) }),
    ),
  ),
});
export type MeshLoadBalancingStrategySpec = Static<typeof MeshLoadBalancingStrategySpec>;

const HASH_FIELDS = {
  Header: 'header',
  Cookie: 'cookie',
  Connection: 'connection',
  SourceIP: 'connection',
  QueryParameter: 'queryParameter',
  FilterState: 'filterState',
} as const satisfies Record<HashPolicy['type'], keyof HashPolicy>;

function checkHashPolicies(policies: readonly HashPolicy[] | undefined, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  policies?.forEach((policy, i) => {
    const field = HASH_FIELDS[policy.type];
    if (policy[field] === undefined)
      issues.push({ field: `${at}[${i}].${field}`, reason: `is required when type is ${policy.type}` });
    const path = policy.type === 'Cookie' ? policy.cookie?.path : undefined;
    if (path !== undefined && !path.startsWith('/'))
      issues.push({ field: `${at}[${i}].cookie.path`, reason: 'must be an absolute path' });
  });
  return issues;
}

const isPrime = (n: number): boolean => {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

function checkLoadBalancer(lb: LoadBalancer, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const ring = lb.ringHash;
  if (ring) {
    if (ring.minRingSize !== undefined && ring.maxRingSize !== undefined && ring.minRingSize > ring.maxRingSize)
      issues.push({
        field: `${at}.ringHash.minRingSize`,
        reason: `must not be larger than maxRingSize (${ring.maxRingSize})`,
      });
    issues.push(...checkHashPolicies(ring.hashPolicies, `${at}.ringHash.hashPolicies`));
  }
  const maglev = lb.maglev;
  if (maglev) {
    if (maglev.tableSize !== undefined && !isPrime(maglev.tableSize))
      issues.push({ field: `${at}.maglev.tableSize`, reason: 'must be a prime number' });
    issues.push(...checkHashPolicies(maglev.hashPolicies, `${at}.maglev.hashPolicies`));
  }
  return issues;
}

function checkLocality(locality: LocalityAwareness, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const tags = locality.localZone?.affinityTags ?? [];
  const weighted = tags.filter((tag) => tag.weight !== undefined).length;
  if (weighted > 0 && weighted < tags.length)
    issues.push({
      field: `${at}.localZone.affinityTags`,
      reason: 'either all or none of the affinity tags must have a weight',
    });
  locality.crossZone?.failover?.forEach((failover, i) => {
    const field = `${at}.crossZone.failover[${i}]`;
    if (failover.from && failover.from.zones.length === 0)
      issues.push({ field: `${field}.from.zones`, reason: 'must not be empty' });
    const zones = failover.to.zones ?? [];
    if ((failover.to.type === 'Any' || failover.to.type === 'None') && zones.length > 0)
      issues.push({ field: `${field}.to.zones`, reason: `must be empty when type is ${failover.to.type}` });
    if ((failover.to.type === 'Only' || failover.to.type === 'AnyExcept') && zones.length === 0)
      issues.push({ field: `${field}.to.zones`, reason: `must not be empty when type is ${failover.to.type}` });
  });
  return issues;
}

function checkMeshLoadBalancingStrategy(spec: MeshLoadBalancingStrategySpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  spec.to?.forEach((to, i) => {
    const conf = to.default;
    if (!conf) return;
    const at = `to[${i}].default`;
    if (to.targetRef.kind === 'MeshHTTPRoute') {
      for (const field of ['loadBalancer', 'localityAwareness'] as const)
        if (conf[field] !== undefined)
          issues.push({
            field: `${at}.${field}`,
            reason: 'must not be set when targetRef.kind is MeshHTTPRoute: only hashPolicies apply',
          });
    }
    if (conf.loadBalancer) issues.push(...checkLoadBalancer(conf.loadBalancer, `${at}.loadBalancer`));
    if (conf.localityAwareness) issues.push(...checkLocality(conf.localityAwareness, `${at}.localityAwareness`));
    issues.push(...checkHashPolicies(conf.hashPolicies, `${at}.hashPolicies`));
  });
  return issues;
}

export const MeshLoadBalancingStrategyKind = definePolicy({
  name: 'MeshLoadBalancingStrategy',
  shortName: 'mlbs',
  order: 400,
  acts: 'outbound',
  spec: MeshLoadBalancingStrategySpec,
  check: checkMeshLoadBalancingStrategy,
});
