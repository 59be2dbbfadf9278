import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from '../testing.js';

describe('Zone, ZoneIngress, ZoneEgress, GlobalSecret', () => {
  it('accepts a zone, enabled or not', () => {
    expectAccepted({ type: 'Zone', name: 'zone-1' });
    expectAccepted({ type: 'Zone', name: 'zone-2', enabled: false });
    expectRefusedAt({ type: 'Zone', name: 'zone-1', enabled: 'yes' }, ['enabled']);
  });

  it('accepts a zone ingress as Kuma documents it, and refuses an advertised address without its port', () => {
    const ingress = (networking: unknown, extra: Record<string, unknown> = {}) => ({
      type: 'ZoneIngress',
      name: 'ingress-1',
      networking,
      ...extra,
    });
    expectAccepted(
      ingress(
        {
          address: '10.2.3.4',
          advertisedAddress: '10.3.4.5',
          port: 10001,
          advertisedPort: 10001,
          admin: { port: 9901 },
        },
        {
          zone: 'zone-1',
          availableServices: [{ tags: { 'kuma.io/service': 'backend' }, instances: 2, mesh: 'default' }],
        },
      ),
    );
    expectRefusedAt(
      ingress({ address: '10.2.3.4', advertisedAddress: '10.3.4.5', port: 10001, admin: { port: 10001 } }),
      ['networking.advertisedPort', 'networking.admin.port'],
    );
    expectRefusedAt(ingress({ address: '10.2.3.4' }), ['networking.port']);
    expectRefusedAt(ingress({ port: 1 }, { availableServices: [{ tags: {} }] }), [
      'availableServices[0].tags["kuma.io/service"]',
    ]);
  });

  it('accepts a zone egress and refuses a bad address', () => {
    expectAccepted({
      type: 'ZoneEgress',
      name: 'egress-1',
      zone: 'zone-1',
      networking: { address: '10.0.0.1', port: 10002 },
    });
    expectRefusedAt({ type: 'ZoneEgress', name: 'egress-1', networking: { address: 'not valid', port: 10002 } }, [
      'networking.address',
    ]);
  });

  it('accepts a global secret of base64 data and refuses anything else', () => {
    expectAccepted({ type: 'GlobalSecret', name: 'zone-token-signing-key', data: 'Z3MtMQ==' });
    expectRefusedAt({ type: 'GlobalSecret', name: 'gs', data: 'not base64!' }, ['data']);
    expectRefusedAt({ type: 'GlobalSecret', name: 'gs', mesh: 'default', data: 'Z3M=' }, ['mesh']);
  });
});
