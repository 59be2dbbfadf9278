import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from '../testing.js';

const subscription = {
  id: '118b4d6f-7a98-4172-96d9-85ffb8b20b16',
  controlPlaneInstanceId: 'cp-1',
  connectTime: '2024-01-01T00:00:00Z',
  status: { lastUpdateTime: '2024-01-01T00:00:01Z', total: { responsesSent: '4', responsesAcknowledged: '4' } },
  version: { kumaDp: { version: '2.14.3' }, envoy: { version: '1.34.1' } },
};

describe('insights (written by the control plane)', () => {
  it('accepts the shapes the control plane writes', () => {
    expectAccepted({
      type: 'DataplaneInsight',
      mesh: 'default',
      name: 'dp-1',
      subscriptions: [subscription],
      mTLS: { issuedBackend: 'ca-1', supportedBackends: ['ca-1'], certificateRegenerations: 1 },
    });
    expectAccepted({ type: 'ZoneIngressInsight', name: 'zi-1', subscriptions: [subscription] });
    expectAccepted({ type: 'ZoneEgressInsight', name: 'ze-1', subscriptions: [] });
    expectAccepted({
      type: 'ZoneInsight',
      name: 'zone-1',
      subscriptions: [
        { id: '1', globalInstanceId: 'global-1', connectTime: '2024-01-01T00:00:00Z', status: {}, config: '{}' },
      ],
    });
  });

  it('refuses a subscription without its id or connect time', () => {
    expectRefusedAt(
      { type: 'ZoneEgressInsight', name: 'ze-1', subscriptions: [{ controlPlaneInstanceId: 'cp', status: {} }] },
      ['subscriptions[0].id', 'subscriptions[0].connectTime'],
    );
  });
});
