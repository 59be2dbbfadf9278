/**
 * The policies the policy bench applies: K policies of mixed kinds, each
 * configuring every client (top-level targetRef Mesh) towards one service
 * (`to` a MeshService), spread over the services by a seeded PRNG, so the
 * mesh carries realistic numbers of policies for the engine to match and
 * merge for every proxy it rebuilds.
 */
import { mulberry32, mesh } from './topology.js';
import type { Document } from './rest.js';

export type PolicyDocument = Document & { readonly spec: Record<string, unknown> };

const kinds = ['MeshTimeout', 'MeshRetry', 'MeshCircuitBreaker', 'MeshHealthCheck'] as const;

function defaultFor(kind: (typeof kinds)[number], i: number): Record<string, unknown> {
  switch (kind) {
    case 'MeshTimeout':
      return { http: { requestTimeout: `${5 + (i % 20)}s` } };
    case 'MeshRetry':
      return { grpc: { numRetries: 1 + (i % 4) } };
    case 'MeshCircuitBreaker':
      return { connectionLimits: { maxRequests: 100 + i } };
    case 'MeshHealthCheck':
      return { interval: `${10 + (i % 5)}s`, timeout: '2s', unhealthyThreshold: 3, healthyThreshold: 1, tcp: {} };
  }
}

export function mixedPolicies(count: number, services: readonly string[], seed: number): PolicyDocument[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const service = services[Math.floor(random() * services.length)]!;
    return {
      type: kind,
      mesh,
      name: `bench-${kind.toLowerCase()}-${i}`,
      spec: {
        targetRef: { kind: 'Mesh' },
        to: [{ targetRef: { kind: 'MeshService', name: service }, default: defaultFor(kind, i) }],
      },
    };
  });
}

/** The policy each measured change writes: a new request timeout towards `service` (a new policy each repeat, so only its consumers change). */
export const timeoutTowards = (service: string, repeat: number): PolicyDocument => ({
  type: 'MeshTimeout',
  mesh,
  name: `bench-measured-timeout-${repeat}`,
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [
      { targetRef: { kind: 'MeshService', name: service }, default: { http: { requestTimeout: `${30 + repeat}s` } } },
    ],
  },
});

/** A request timeout towards every destination (`to` the Mesh): every proxy is rebuilt and sent new routes. */
export const timeoutTowardsAll = (repeat: number): PolicyDocument => ({
  type: 'MeshTimeout',
  mesh,
  name: 'bench-measured-timeout-all',
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: `${40 + repeat}s` } } }],
  },
});
