import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/index.js';
import { formatKri, kriOf, parseKri } from './kri.js';
import { goDuration } from './kuma-conf.js';

const resource = (labels: Record<string, string>): Resource => ({
  kind: 'MeshService',
  mesh: 'default',
  name: 'backend-x7f',
  labels,
  spec: {},
  version: 1,
  creationTime: new Date(0),
  modificationTime: new Date(0),
});

test('a KRI names a resource by its display name, zone and namespace labels, with empty parts kept', () => {
  assert.equal(formatKri(kriOf(resource({}), 'msvc')), 'kri_msvc_default___backend-x7f_');
  assert.equal(
    formatKri(
      kriOf(
        resource({ 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'east', 'k8s.kuma.io/namespace': 'shop' }),
        'msvc',
        'http',
      ),
    ),
    'kri_msvc_default_east_shop_backend_http',
  );
});

test('parseKri reads what formatKri writes and refuses the rest in Kuma words', () => {
  const kri = { shortType: 'dp', mesh: 'm', zone: 'z', namespace: '', name: 'web-1', sectionName: '8080' };
  assert.deepEqual(parseKri(formatKri(kri)), kri);
  assert.throws(() => parseKri('invalid-kri'), /bad request: invalid identifier string: "invalid-kri"/);
  assert.throws(() => parseKri('kri_dp_m_z__web-1'), /invalid identifier string/);
  assert.throws(() => parseKri('id_dp_m_z__web-1_'), /identifier must start with 'kri'/);
  assert.throws(() => parseKri('kri__m_z__web-1_'), /no resource type/);
  assert.throws(() => parseKri('kri_dp_m_z___'), /no name/);
});

test('durations print as Go prints them', () => {
  const cases: [string, string][] = [
    ['0', '0s'],
    ['0s', '0s'],
    ['2s', '2s'],
    ['60s', '1m0s'],
    ['90s', '1m30s'],
    ['1h', '1h0m0s'],
    ['30m', '30m0s'],
    ['1.5s', '1.5s'],
    ['250ms', '250ms'],
    ['1500ms', '1.5s'],
    ['10us', '10µs'],
    ['100ns', '100ns'],
    ['26h3m', '26h3m0s'],
  ];
  for (const [input, expected] of cases) assert.equal(goDuration(input), expected, input);
});
