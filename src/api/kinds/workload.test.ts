import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from './testing.js';

const workload = (spec: unknown, name = 'backend') => ({ type: 'Workload', mesh: 'default', name, spec });

describe('Workload', () => {
  it('accepts an empty spec, with a status from a read ignored', () => {
    expectAccepted(workload({}));
    expectAccepted({ ...workload({}), status: { dataplaneProxies: { total: 3, connected: 2, healthy: 1 } } });
  });

  it('refuses any setting and a name longer than 253 characters', () => {
    expectRefusedAt(workload({ replicas: 3 }), ['spec.replicas']);
    expectRefusedAt(workload({}, 'a'.repeat(254)), ['name']);
  });
});
