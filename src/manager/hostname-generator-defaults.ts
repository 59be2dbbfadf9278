/**
 * The HostnameGenerators a zone starts with, as Kuma's Universal zone creates
 * them: a name under `svc.mesh.local` for every MeshService and under
 * `extsvc.mesh.local` for every MeshExternalService made in this zone. They
 * are created when missing at start, so a deleted one comes back on restart;
 * edited ones are kept as they are.
 */
import type { ResourceDraft } from '../api/index.js';

const zoneOrigin = { matchLabels: { 'kuma.io/origin': 'zone' } };

export const defaultHostnameGenerators: readonly ResourceDraft[] = [
  {
    kind: 'HostnameGenerator',
    mesh: '',
    name: 'local-universal-mesh-service',
    labels: {},
    spec: { selector: { meshService: zoneOrigin }, template: '{{ .DisplayName }}.svc.mesh.local' },
  },
  {
    kind: 'HostnameGenerator',
    mesh: '',
    name: 'local-mesh-external-service',
    labels: {},
    spec: { selector: { meshExternalService: zoneOrigin }, template: '{{ .DisplayName }}.extsvc.mesh.local' },
  },
];
