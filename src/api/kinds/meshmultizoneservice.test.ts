import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MeshMultiZoneServiceKind } from './meshmultizoneservice.js';
import { expectAccepted, expectRefusedAt } from './testing.js';

const mzs = (spec: unknown) => ({ type: 'MeshMultiZoneService', mesh: 'default', name: 'backend', spec });

describe('MeshMultiZoneService', () => {
  it('accepts the documented example: MeshServices labelled by display name, one port', () => {
    expectAccepted(
      mzs({
        selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } },
        ports: [{ port: 80, appProtocol: 'http', name: 'http' }],
      }),
    );
  });

  it('refuses no ports, an empty selector and a repeated port', () => {
    expectRefusedAt(mzs({ selector: { meshService: { matchLabels: { a: 'b' } } }, ports: [] }), ['spec.ports']);
    expectRefusedAt(mzs({ selector: { meshService: { matchLabels: {} } }, ports: [{ port: 80 }, { port: 80 }] }), [
      'spec.selector.meshService.matchLabels',
      'spec.ports[1].port',
    ]);
    expectRefusedAt(mzs({ ports: [{ port: 80 }] }), ['spec.selector']);
  });

  it('names each SNI by the port name, or the port number when it has none', () => {
    const spec = {
      selector: { meshService: { matchLabels: { a: 'b' } } },
      ports: [{ port: 90, name: 'http' }, { port: 80 }],
    };
    assert.deepEqual(MeshMultiZoneServiceKind.computed!({ mesh: 'm', name: 'backend', labels: {}, spec }), {
      snis: [
        { port: 80, sni: 'sni.mzsvc.m.backend.80' },
        { port: 90, sni: 'sni.mzsvc.m.backend.http' },
      ],
    });
  });
});
