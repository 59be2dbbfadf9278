import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyPlugin } from '../../policies/core/plugin.js';
import { policyModule } from '../../policies/core/policy-module.js';
import { MeshRetryKind } from '../../policies/meshretry/schema.js';
import { MeshTimeoutKind } from '../../policies/meshtimeout/schema.js';
import { MeshTraceKind } from '../../policies/meshtrace/schema.js';
import { ProxyResources, type ProxyContext } from '../generate/index.js';
import { applyPolicies, pluginsInOrder } from './policy-plugins.js';

const NO_RESOURCES = new ProxyResources({});
const proxy = (policies: ReadonlyMap<string, never[]>): ProxyContext => ({
  mesh: 'default',
  name: 'web-1',
  flavour: 'envoy',
  address: '10.0.0.1',
  inbounds: [],
  outbounds: [],
  destinations: new Map(),
  policies,
});

/** A plugin that records that it ran, and warns once. */
function recording<K extends string>(
  kind: K,
  ran: string[],
  traits: { appliesWithoutPolicies?: boolean } = {},
): PolicyPlugin<K> {
  return {
    kind,
    ...traits,
    apply: (resources, { matched, warn }) => {
      ran.push(`${kind} ${matched.length}`);
      warn('noted');
      return resources;
    },
  };
}

test('plugins come in the order of their kinds, whatever the order of the list; kinds without a plugin are left out', () => {
  const ran: string[] = [];
  const retry = recording('MeshRetry', ran);
  const timeout = recording('MeshTimeout', ran);
  const plugins = pluginsInOrder([
    policyModule(MeshRetryKind, retry),
    policyModule(MeshTraceKind),
    policyModule(MeshTimeoutKind, timeout),
  ]);
  assert.deepEqual(
    plugins,
    [timeout, retry],
    `MeshTimeout ${MeshTimeoutKind.policy.order} before MeshRetry ${MeshRetryKind.policy.order}`,
  );
});

test('a plugin runs only where policies of its kind select the proxy, unless it applies without any; its warnings name its kind', () => {
  const ran: string[] = [];
  const warnings: string[] = [];
  const plugins = [
    recording('MeshTimeout', ran),
    recording('MeshTrafficPermission', ran, { appliesWithoutPolicies: true }),
    recording('MeshRetry', ran),
  ];
  applyPolicies(NO_RESOURCES, proxy(new Map([['MeshRetry', [{} as never]]])), plugins, (message) =>
    warnings.push(message),
  );
  assert.deepEqual(ran, ['MeshTrafficPermission 0', 'MeshRetry 1']);
  assert.deepEqual(warnings, ['MeshTrafficPermission: noted', 'MeshRetry: noted']);
});
