/**
 * Workload: the application a group of dataplanes runs (their `kuma.io/workload`
 * label). It has no settings; its status counts its dataplanes.
 */
import { Type } from '@sinclair/typebox';
import { defineKind } from '../kind.js';

export const WorkloadSpec = Type.Object({}, { additionalProperties: false });

export const WorkloadKind = defineKind({
  name: 'Workload',
  plural: 'workloads',
  shortName: 'wl',
  singularDisplayName: 'Workload',
  pluralDisplayName: 'Workloads',
  scope: 'Mesh',
  shape: 'enveloped',
  includeInFederation: false,
  spec: WorkloadSpec,
  hasStatus: true,
  emptyStatus: { dataplaneProxies: { connected: 0, healthy: 0, total: 0 } },
});
