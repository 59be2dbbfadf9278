import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels, Resource } from '../api/index.js';
import { serviceHostnames } from './hostnames.js';

const resource = (kind: string, name: string, labels: Labels, spec: Record<string, unknown> = {}): Resource => ({
  kind,
  mesh: kind === 'HostnameGenerator' ? '' : 'default',
  name,
  labels,
  spec,
  version: 1,
  creationTime: new Date(0),
  modificationTime: new Date(0),
});

const generator = (name: string, template: string, selector: Record<string, unknown>, labels: Labels = {}) =>
  resource('HostnameGenerator', name, labels, { template, selector });

const westService = resource('MeshService', 'test-server', {
  'kuma.io/origin': 'zone',
  'kuma.io/env': 'universal',
  'kuma.io/display-name': 'test-server',
  'kuma.io/zone': 'west',
});

test('every generator whose selector matches gives one hostname, sorted, with its zone', () => {
  const answer = serviceHostnames(
    westService,
    [
      generator('g2', '{{ .DisplayName }}.svc.{{ .Zone }}.zoneresource.mesh.local', {
        meshService: { matchLabels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' } },
      }),
      generator('g1', '{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local', {
        meshService: { matchLabels: { 'kuma.io/env': 'universal' } },
      }),
      generator('other-kind', '{{ .Name }}.extsvc', { meshExternalService: { matchLabels: {} } }),
      generator('no-match', '{{ .Name }}.x', { meshService: { matchLabels: { team: 'a' } } }),
    ],
    { global: false },
  );
  assert.deepEqual(answer, {
    hostnames: [
      { hostname: 'test-server.svc.west.mesh.local', zones: [{ name: 'west' }] },
      { hostname: 'test-server.svc.west.zoneresource.mesh.local', zones: [{ name: 'west' }] },
    ],
  });
});

test("a zone matches selectors against the service's own origin; a global control plane against both", () => {
  const forGlobal = [
    generator('synced', '{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local', {
      meshService: { matchLabels: { 'kuma.io/origin': 'global', 'kuma.io/env': 'universal' } },
    }),
  ];
  assert.deepEqual(serviceHostnames(westService, forGlobal, { global: false }), { hostnames: [] });
  assert.deepEqual(serviceHostnames(westService, forGlobal, { global: true }), {
    hostnames: [{ hostname: 'test-server.svc.west.mesh.local', zones: [{ name: 'west' }] }],
  });
});

test('without a zone label the zone is the first part of the name; the display name falls back to the name', () => {
  const external = resource('MeshExternalService', 'mes-1', { 'kuma.io/origin': 'global' });
  const answer = serviceHostnames(
    external,
    [
      generator('ext', '{{ .DisplayName }}.{{ .Zone }}.{{ .Mesh }}.extsvc', {
        meshExternalService: { matchLabels: { 'kuma.io/origin': 'global' } },
      }),
    ],
    { global: false },
  );
  assert.deepEqual(answer, { hostnames: [{ hostname: 'mes-1.mes-1.default.extsvc', zones: [{ name: 'mes-1' }] }] });
});

test('label reads the labels the selector saw; a missing label is an error naming the generator', () => {
  const labelled = resource('MeshMultiZoneService', 'api', { team: 'pay', 'kuma.io/origin': 'zone' });
  const selector = { meshMultiZoneService: { matchLabels: {} } };
  assert.deepEqual(
    serviceHostnames(labelled, [generator('by-team', '{{ label "team" }}.{{ label "kuma.io/origin" }}', selector)], {
      global: false,
    }),
    { hostnames: [{ hostname: 'pay.zone', zones: [{ name: 'api' }] }] },
  );
  assert.deepEqual(
    serviceHostnames(labelled, [generator('by-tier', '{{ label "tier" }}.mesh', selector)], { global: false }),
    {
      error: 'HostnameGenerator "by-tier": label tier not found',
    },
  );
});
