/**
 * The MeshProxyPatch plugin (order 9999, so it sees what every other policy
 * made): each matched policy's `default.appendModifications`, lowest priority
 * first and in list order (the order in which Kuma concatenates them), applied
 * one after the other, to both flavours; what to patch is the user's call.
 *
 * A modification that cannot apply (a value that is not the Envoy type, a
 * JSON patch whose path is missing, a result that breaks a
 * protoc-gen-validate rule Envoy would NACK) is dropped whole with a warning,
 * and the next one applies to the resources as they were: one bad patch does
 * not cost the proxy its configuration.
 */
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import type { ProxyResources } from '../../xds/generate/index.js';
import { validateMessage } from '../../xds/validate/index.js';
import type { PolicyPlugin } from '../core/index.js';
import { ModificationError } from './envoy-value.js';
import { applyModification } from './modifications.js';
import type { MeshProxyPatchSpec, Modification } from './schema.js';

/** The PGV violations of the messages in `after` that are not in `before` (new or edited ones), as `name: path: message`. */
function violationsOfChanged<D extends DescMessage>(
  schema: D,
  before: readonly MessageShape<D>[],
  after: readonly (MessageShape<D> & { name: string })[],
): string[] {
  const unchanged = new Set<object>(before);
  return after
    .filter((message) => !unchanged.has(message))
    .flatMap((message) =>
      validateMessage(schema, message).map((v) => `${message.name}: ${v.path || '(root)'}: ${v.message}`),
    );
}

function violationsOf(before: ProxyResources, after: ProxyResources): string[] {
  return [
    ...violationsOfChanged(ListenerSchema, before.listeners, after.listeners),
    ...violationsOfChanged(RouteConfigurationSchema, before.routeConfigurations, after.routeConfigurations),
    ...violationsOfChanged(ClusterSchema, before.clusters, after.clusters),
  ];
}

/** `cluster Patch`, `httpFilter AddBefore`: what a warning names. */
const describe = (modification: Modification): string =>
  Object.entries(modification)
    .map(([target, mod]) => `${target} ${(mod as { operation: string }).operation}`)
    .join(', ');

export const meshProxyPatchPlugin = {
  kind: 'MeshProxyPatch',
  apply(resources, { matched, warn }) {
    let current = resources;
    for (const { policy } of matched) {
      const { appendModifications } = (policy.spec as unknown as MeshProxyPatchSpec).default;
      appendModifications.forEach((modification, i) => {
        const which = `${policy.name} appendModifications[${i}] (${describe(modification)}) not applied`;
        try {
          const next = applyModification(current, modification);
          const violations = violationsOf(current, next);
          if (violations.length > 0)
            warn(`${which}: the result breaks Envoy's validation rules: ${violations.join('; ')}`);
          else current = next;
        } catch (error) {
          if (!(error instanceof ModificationError)) throw error;
          warn(`${which}: ${error.message}`);
        }
      });
    }
    return current;
  },
} satisfies PolicyPlugin<'MeshProxyPatch'>;
