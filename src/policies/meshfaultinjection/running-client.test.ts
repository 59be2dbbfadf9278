/**
 * What a proxyless client does with a MeshFaultInjection, driven through
 * grpc-js-xds's own XdsDependencyManager (the part that turns xDS updates into
 * the configuration a channel resolves) with what the control plane pushes.
 * grpc-js-xds 1.14 rebuilds a running channel's configuration on a route,
 * cluster or endpoint update, not on a listener update naming the same route
 * configuration; the control plane therefore names a client's route
 * configuration after its listener's filters (xds/build/grpc-route-names.ts).
 * These tests show a running channel taking faults added, changed and removed.
 */
import { findResource, grpcDecoded, inboundSideConfig, storedPolicy } from '../core/testkit/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Any__Output } from '@grpc/grpc-js-xds/build/src/generated/google/protobuf/Any.js';
import {
  createClientHttpFilter,
  parseOverrideFilterConfig,
  parseTopLevelFilterConfig,
} from '@grpc/grpc-js-xds/build/src/http-filter.js';
import { decodeSingleResource, HTTP_CONNECTION_MANGER_TYPE_URL } from '@grpc/grpc-js-xds/build/src/resources.js';
import type { Watcher, XdsClient } from '@grpc/grpc-js-xds/build/src/xds-client.js';
import { XdsDependencyManager, type XdsConfig } from '@grpc/grpc-js-xds/build/src/xds-dependency-manager.js';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type.js';
import type { XdsResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import type { Resource } from '../../api/resource.js';
import { pushOrder } from '../../xds/server/request-type.js';
import { TypeUrl } from '../../xds/resource-types.js';
import type { EncodedResource } from '../../xds/snapshot.js';

/** The subscriptions of one channel; resources are handed to its watchers as the XdsClient would. */
class ScriptedXdsClient {
  readonly #watchers = new Map<string, Set<Watcher<unknown>>>();

  watchResource(type: XdsResourceType, name: string, watcher: Watcher<unknown>): void {
    const key = `${type.getFullTypeUrl()} ${name}`;
    this.#watchers.set(key, (this.#watchers.get(key) ?? new Set()).add(watcher));
  }

  cancelResourceWatch(type: XdsResourceType, name: string, watcher: Watcher<unknown>): void {
    this.#watchers.get(`${type.getFullTypeUrl()} ${name}`)?.delete(watcher);
  }

  deliver(resource: EncodedResource): void {
    const value = grpcDecoded(resource);
    for (const watcher of this.#watchers.get(`${resource.typeUrl} ${resource.name}`) ?? [])
      watcher.onGenericResourceChanged(value);
  }
}

const sameBytes = (a: EncodedResource, b: EncodedResource): boolean =>
  Buffer.from(a.any.value).equals(Buffer.from(b.any.value));

/** Hands `resources` over type by type, in the order the control plane pushes them. */
function deliverInPushOrder(client: ScriptedXdsClient, resources: readonly EncodedResource[]): void {
  for (const typeUrl of pushOrder)
    for (const resource of resources.filter((r) => r.typeUrl === typeUrl)) client.deliver(resource);
}

interface RunningClient {
  /** Every configuration the channel was given, the first one included. */
  readonly updates: XdsConfig[];
  /**
   * Pushes what changed from the configuration with the first policies to
   * the one with `policies` (an equal resource is not handed on: the
   * XdsClient drops a resource equal to the one it has); returns what was
   * pushed and the configurations the channel was given for it.
   */
  change(policies: readonly Resource[]): { pushed: EncodedResource[]; updates: XdsConfig[] };
}

/** A channel to xds:///backend on web-1, started with `policies` in force. */
function startClient(policies: readonly Resource[]): RunningClient {
  const client = new ScriptedXdsClient();
  const updates: XdsConfig[] = [];
  const subscribed = new Set<string>();
  const manager: XdsDependencyManager = new XdsDependencyManager(client as unknown as XdsClient, 'backend', 'backend', {
    onUpdate: (update) => {
      assert.ok(update.ok, `resolution failed: ${JSON.stringify(update)}`);
      updates.push(update.value);
      // As the resolver does (resolver-xds.js): the clusters of the config in use stay subscribed.
      for (const route of update.value.virtualHost.routes) {
        const cluster = route.route?.cluster;
        if (cluster && !subscribed.has(cluster)) {
          subscribed.add(cluster);
          manager.addClusterSubscription(cluster);
        }
      }
    },
  });
  const first = inboundSideConfig('grpc', policies).resources;
  // Twice: a route or cluster is watched only once the listener or route naming it arrived.
  deliverInPushOrder(client, first);
  deliverInPushOrder(client, first);
  assert.ok(updates.length > 0, 'the channel got its first configuration');
  return {
    updates,
    change(next) {
      const before = updates.length;
      const pushed = inboundSideConfig('grpc', next).resources.filter(
        (r) => !first.some((f) => f.typeUrl === r.typeUrl && f.name === r.name && sameBytes(f, r)),
      );
      deliverInPushOrder(client, pushed);
      return { pushed, updates: updates.slice(before) };
    },
  };
}

/** The fault each fault filter injects under `config`, as the resolver combines listener filters and overrides. */
function faultsInEffect(config: XdsConfig): unknown[] {
  const hcm = decodeSingleResource(HTTP_CONNECTION_MANGER_TYPE_URL, config.listener.api_listener!.api_listener!.value);
  const overrides: Record<string, Any__Output> = config.virtualHost.typed_per_filter_config ?? {};
  return hcm.http_filters.flatMap((filter) => {
    const top = parseTopLevelFilterConfig(filter.typed_config!, true);
    if (!top || !filter.name.startsWith('envoy.filters.http.fault')) return [];
    const override = overrides[filter.name] ? parseOverrideFilterConfig(overrides[filter.name]!) : null;
    const factory = createClientHttpFilter(top, override ?? undefined) as unknown as { config: unknown };
    return [factory.config];
  });
}

const aborting = (percentage: number) =>
  storedPolicy('MeshFaultInjection', 'abort', {
    to: [{ targetRef: { kind: 'Mesh' }, default: { http: [{ abort: { httpStatus: 503, percentage } }] } }],
  });
const abortConfig = (numerator: number) => ({
  delay: null,
  abort: { kind: 'grpc', code: 14, percentage: { numerator, denominator: 100 } },
  maxActiveFaults: Infinity,
});

test('a gRPC channel started after a MeshFaultInjection injects its faults', () => {
  assert.deepEqual(faultsInEffect(startClient([aborting(50)]).updates.at(-1)!), [abortConfig(50)]);
});

test('a running channel takes a MeshFaultInjection added: the listener names a route configuration named after its filters', () => {
  const { pushed, updates } = startClient([]).change([aborting(50)]);
  const listener = pushed.find((r) => r.typeUrl === TypeUrl.Listener && r.name === 'backend');
  assert.ok(listener, 'the changed listener is pushed');
  const renamed = pushed.find(
    (r) => r.typeUrl === TypeUrl.RouteConfiguration && r.name.startsWith('outbound:backend#'),
  );
  assert.ok(renamed, `a route configuration under a new name is pushed: ${pushed.map((r) => r.name)}`);
  assert.ok(updates.length > 0, 'the channel resolved a new configuration');
  assert.deepEqual(faultsInEffect(updates.at(-1)!), [abortConfig(50)]);
});

test('a running channel takes a change and a removal of the faults too', () => {
  assert.deepEqual(
    faultsInEffect(
      startClient([aborting(50)])
        .change([aborting(10)])
        .updates.at(-1)!,
    ),
    [abortConfig(10)],
  );
  const removed = startClient([aborting(50)]).change([]).updates;
  assert.ok(removed.length > 0, 'the channel resolved a new configuration');
  assert.deepEqual(faultsInEffect(removed.at(-1)!), []);
});

test('grpc-js-xds 1.14: a resource that only gains entries compares equal to the one before, so it is not passed on', () => {
  // Why carrying the faults as overrides in the route configuration would not
  // help: a virtual host's typed_per_filter_config going from {} to {fault} is no change to the XdsClient.
  const routes = RouteConfigurationResourceType.get();
  const without = grpcDecoded(
    findResource(inboundSideConfig('grpc', []), TypeUrl.RouteConfiguration, 'outbound:backend'),
  );
  const withOverride = structuredClone(without);
  withOverride['virtual_hosts'][0]['typed_per_filter_config'] = {
    'envoy.filters.http.fault': {
      type_url: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      value: Buffer.from([18, 2, 8, 50]),
    },
  };
  assert.equal(routes.resourcesEqual(without, withOverride), true);
  assert.equal(routes.resourcesEqual(withOverride, without), false, 'a removal is seen');
});
