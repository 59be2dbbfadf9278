import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const lbs = (spec: unknown) => policyDocument('MeshLoadBalancingStrategy', spec, 'ring-hash');

/** One `to` entry towards a MeshService with the given default. */
const toBackend = (conf: unknown) => ({
  targetRef: { kind: 'Mesh' },
  to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }],
});
const ringHash = (ring: unknown) => toBackend({ loadBalancer: { type: 'RingHash', ringHash: ring } });

const full = {
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'MeshService', name: 'backend' },
      default: {
        loadBalancer: {
          type: 'RingHash',
          ringHash: {
            hashFunction: 'MurmurHash2',
            minRingSize: 64,
            maxRingSize: 1024,
            hashPolicies: [
              { type: 'Header', header: { name: 'x-user-id' }, terminal: true },
              { type: 'Cookie', cookie: { name: 'session', ttl: '1h', path: '/' } },
              { type: 'Connection', connection: { sourceIP: true } },
            ],
          },
        },
        localityAwareness: {
          localZone: {
            affinityTags: [
              { key: 'k8s.io/node', weight: 90 },
              { key: 'k8s.io/az', weight: 10 },
            ],
          },
          crossZone: {
            failover: [
              { from: { zones: ['us-east'] }, to: { type: 'Only', zones: ['us-west'] } },
              { to: { type: 'Any' } },
            ],
            failoverThreshold: { percentage: 70 },
          },
        },
      },
    },
  ],
};

describe('MeshLoadBalancingStrategy schema', () => {
  it('accepts ring hash with hash policies and locality awareness, keeping the spec as given', () => {
    expectValidAsGiven(lbs(full), { name: 'MeshLoadBalancingStrategy', shortName: 'mlbs', order: 400 });
  });

  it('accepts hash policies alone for a MeshHTTPRoute destination, and least request with a bias', () => {
    const spec = {
      to: [
        {
          targetRef: { kind: 'MeshHTTPRoute', name: 'cart-route' },
          default: { hashPolicies: [{ type: 'QueryParameter', queryParameter: { name: 'cart' } }] },
        },
        {
          targetRef: { kind: 'MeshService', name: 'api' },
          default: {
            loadBalancer: { type: 'LeastRequest', leastRequest: { choiceCount: 3, activeRequestBias: '1.5' } },
          },
        },
      ],
    };
    expectValidAsGiven(lbs(spec));
  });

  it('rejects a hash policy without the configuration its type needs', () => {
    expectIssues(lbs(ringHash({ hashPolicies: [{ type: 'Header' }, { type: 'SourceIP' }] })), [
      {
        field: 'spec.to[0].default.loadBalancer.ringHash.hashPolicies[0].header',
        reason: 'is required when type is Header',
      },
      {
        field: 'spec.to[0].default.loadBalancer.ringHash.hashPolicies[1].connection',
        reason: 'is required when type is SourceIP',
      },
    ]);
  });

  it('rejects a relative cookie path and a malformed cookie ttl', () => {
    expectIssues(lbs(ringHash({ hashPolicies: [{ type: 'Cookie', cookie: { name: 'session', path: 'cart' } }] })), [
      {
        field: 'spec.to[0].default.loadBalancer.ringHash.hashPolicies[0].cookie.path',
        reason: 'must be an absolute path',
      },
    ]);
    expectIssues(lbs(ringHash({ hashPolicies: [{ type: 'Cookie', cookie: { name: 'session', ttl: 'forever' } }] })), [
      {
        field: 'spec.to[0].default.loadBalancer.ringHash.hashPolicies[0].cookie.ttl',
        reason: 'must be a duration like 15s',
      },
    ]);
  });

  it('rejects a minimum ring size above the maximum', () => {
    expectIssues(lbs(ringHash({ minRingSize: 4096, maxRingSize: 1024 })), [
      {
        field: 'spec.to[0].default.loadBalancer.ringHash.minRingSize',
        reason: 'must not be larger than maxRingSize (1024)',
      },
    ]);
  });

  it('rejects a ring size beyond 8M entries', () => {
    expectIssues(lbs(ringHash({ maxRingSize: 9_000_000 })), [
      { field: 'spec.to[0].default.loadBalancer.ringHash.maxRingSize', reason: 'must be at most 8000000' },
    ]);
  });

  it('rejects a Maglev table size that is not prime', () => {
    expectIssues(lbs(toBackend({ loadBalancer: { type: 'Maglev', maglev: { tableSize: 1000 } } })), [
      { field: 'spec.to[0].default.loadBalancer.maglev.tableSize', reason: 'must be a prime number' },
    ]);
  });

  it('rejects a least-request choice count below 2 and an unknown algorithm', () => {
    expectIssues(lbs(toBackend({ loadBalancer: { type: 'LeastRequest', leastRequest: { choiceCount: 1 } } })), [
      {
        field: 'spec.to[0].default.loadBalancer.leastRequest.choiceCount',
        reason: 'must be an integer from 2 to 4294967295',
      },
    ]);
    expectIssues(lbs(toBackend({ loadBalancer: { type: 'WeightedRandom' } })), [
      {
        field: 'spec.to[0].default.loadBalancer.type',
        reason: 'must be one of: RoundRobin, LeastRequest, RingHash, Random, Maglev',
      },
    ]);
  });

  it('rejects load balancer and locality settings for a MeshHTTPRoute destination', () => {
    const spec = {
      to: [
        {
          targetRef: { kind: 'MeshHTTPRoute', name: 'r' },
          default: { loadBalancer: { type: 'Random' }, localityAwareness: { disabled: true } },
        },
      ],
    };
    expectIssues(lbs(spec), [
      {
        field: 'spec.to[0].default.loadBalancer',
        reason: 'must not be set when targetRef.kind is MeshHTTPRoute: only hashPolicies apply',
      },
      {
        field: 'spec.to[0].default.localityAwareness',
        reason: 'must not be set when targetRef.kind is MeshHTTPRoute: only hashPolicies apply',
      },
    ]);
  });

  it('rejects affinity tags where only some have a weight', () => {
    const conf = {
      localityAwareness: { localZone: { affinityTags: [{ key: 'k8s.io/node', weight: 9 }, { key: 'k8s.io/az' }] } },
    };
    expectIssues(lbs(toBackend(conf)), [
      {
        field: 'spec.to[0].default.localityAwareness.localZone.affinityTags',
        reason: 'either all or none of the affinity tags must have a weight',
      },
    ]);
  });

  it('rejects failover zones that contradict the failover type', () => {
    const failover = [
      { to: { type: 'Only' } },
      { to: { type: 'None', zones: ['eu'] } },
      { from: { zones: [] }, to: { type: 'Any' } },
    ];
    expectIssues(lbs(toBackend({ localityAwareness: { crossZone: { failover } } })), [
      {
        field: 'spec.to[0].default.localityAwareness.crossZone.failover[0].to.zones',
        reason: 'must not be empty when type is Only',
      },
      {
        field: 'spec.to[0].default.localityAwareness.crossZone.failover[1].to.zones',
        reason: 'must be empty when type is None',
      },
      { field: 'spec.to[0].default.localityAwareness.crossZone.failover[2].from.zones', reason: 'must not be empty' },
    ]);
  });

  it('rejects a failover threshold above 100 percent', () => {
    expectIssues(lbs(toBackend({ localityAwareness: { crossZone: { failoverThreshold: { percentage: 150 } } } })), [
      {
        field: 'spec.to[0].default.localityAwareness.crossZone.failoverThreshold.percentage',
        reason: 'must be a percentage between 0 and 100, as a number or a decimal string',
      },
    ]);
  });
});
