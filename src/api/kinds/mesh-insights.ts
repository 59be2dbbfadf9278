/**
 * MeshInsight and ServiceInsight: summaries the control plane computes (per
 * mesh, per service) from its dataplanes and policies. Read-only; their
 * endpoints compute them when asked, the kinds name them for `/_resources`
 * and the CLI.
 */
import { Type } from '@sinclair/typebox';
import { defineKind } from '../kind.js';

const computed = (description: string) => Type.Optional(Type.Unknown({ description }));
const readOnly = { shortName: '', readOnly: true, includeInFederation: false, shape: 'flat' } as const;

export const MeshInsightKind = defineKind({
  ...readOnly,
  name: 'MeshInsight',
  plural: 'mesh-insights',
  singularDisplayName: 'Mesh Insight',
  pluralDisplayName: 'Mesh Insights',
  scope: 'Global',
  spec: Type.Object(
    {
      dataplanes: computed('Dataplane counts: total, online, offline, partially degraded.'),
      dataplanesByType: computed('The same counts by proxy type.'),
      policies: computed('Policy counts by kind.'),
      resources: computed('Resource counts by kind.'),
      dpVersions: computed('Dataplanes by kuma-dp and Envoy version.'),
      mTLS: computed('Dataplanes by issued and supported CA backend.'),
      services: computed('Service counts by kind.'),
      lastSync: computed('When the insight was last computed.'),
    },
    { additionalProperties: false },
  ),
});

export const ServiceInsightKind = defineKind({
  ...readOnly,
  name: 'ServiceInsight',
  plural: 'service-insights',
  singularDisplayName: 'Service Insight',
  pluralDisplayName: 'Service Insights',
  scope: 'Mesh',
  spec: Type.Object(
    { services: computed('Per service: status, dataplane counts, zones, address.') },
    { additionalProperties: false },
  ),
});
