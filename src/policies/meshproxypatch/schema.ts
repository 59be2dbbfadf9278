/**
 * MeshProxyPatch: the escape hatch. Edits the Envoy config generated for the
 * selected proxies, after every other policy: adds, removes or patches
 * clusters, listeners, network filters, HTTP filters and virtual hosts. A
 * patch is either an Envoy resource in YAML merged in (`value`) or a list of
 * RFC 6902 JSON patches (`jsonPatches`).
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { type InvalidParameter, formatBytes, INPUT_LIMITS, Strict, StringEnum, Tags } from '../../api/index.js';
import { definePolicy, TargetRef, TOP_LEVEL_PROXY_KINDS } from '../core/index.js';
import type { DescMessage } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { FilterSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { VirtualHostSchema } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { HttpFilterSchema } from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { ModificationError, parseEnvoyValue } from './envoy-value.js';

/** Operations on whole resources, and on filters, which also have a position in a chain. */
const RESOURCE_OPERATIONS = ['Add', 'Remove', 'Patch'] as const;
const FILTER_OPERATIONS = ['Remove', 'Patch', 'AddFirst', 'AddBefore', 'AddAfter', 'AddLast'] as const;

export const JsonPatchBlock = Strict({
  op: StringEnum(['add', 'remove', 'replace', 'move', 'copy']),
  path: Type.String({ pattern: '^/', errorMessage: 'must be a JSON pointer starting with /' }),
  value: Type.Optional(Type.Unknown({ description: 'The JSON value for add and replace.' })),
  from: Type.Optional(
    Type.String({
      pattern: '^/',
      errorMessage: 'must be a JSON pointer starting with /',
      description: 'Source pointer for move and copy.',
    }),
  ),
});
export type JsonPatchBlock = Static<typeof JsonPatchBlock>;

const origin = Type.Optional(
  Type.String({
    minLength: 1,
    description: 'Generator of the resource: inbound, outbound, transparent, prometheus, gateway, ...',
  }),
);
const name = Type.Optional(Type.String({ minLength: 1 }));

const modification = <P extends TProperties, const O extends readonly string[]>(match: P, operations: O) =>
  Strict({
    match: Type.Optional(Strict(match)),
    operation: StringEnum(operations),
    value: Type.Optional(
      Type.String({
        minLength: 1,
        description: `An Envoy resource in YAML, to add or to merge in; at most ${formatBytes(INPUT_LIMITS.maxEmbeddedDocumentBytes)}, nested at most ${INPUT_LIMITS.maxDepth} levels.`,
      }),
    ),
    jsonPatches: Type.Optional(Type.Array(JsonPatchBlock)),
  });

export const Modification = Strict({
  cluster: Type.Optional(modification({ origin, name }, RESOURCE_OPERATIONS)),
  listener: Type.Optional(modification({ origin, name, tags: Type.Optional(Tags()) }, RESOURCE_OPERATIONS)),
  networkFilter: Type.Optional(
    modification({ origin, name, listenerName: name, listenerTags: Type.Optional(Tags()) }, FILTER_OPERATIONS),
  ),
  httpFilter: Type.Optional(
    modification({ origin, name, listenerName: name, listenerTags: Type.Optional(Tags()) }, FILTER_OPERATIONS),
  ),
  virtualHost: Type.Optional(modification({ origin, name, routeConfigurationName: name }, RESOURCE_OPERATIONS)),
});
export type Modification = Static<typeof Modification>;
const TARGETS = ['cluster', 'listener', 'networkFilter', 'httpFilter', 'virtualHost'] as const;
type Target = (typeof TARGETS)[number];

export const MeshProxyPatchConf = Strict({
  appendModifications: Type.Array(Modification, {
    minItems: 1,
    description: 'Applied in order; lists from several policies are concatenated.',
  }),
});
export type MeshProxyPatchConf = Static<typeof MeshProxyPatchConf>;

export const MeshProxyPatchSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  default: MeshProxyPatchConf,
});
export type MeshProxyPatchSpec = Static<typeof MeshProxyPatchSpec>;

/** What every kind of modification shares, as the checks see it. */
interface AnyModification {
  readonly match?: { readonly name?: string };
  readonly operation: string;
  readonly value?: string;
  readonly jsonPatches?: readonly JsonPatchBlock[];
}

/** The Envoy message a value of each target is. */
const VALUE_TYPES: Readonly<Record<Target, DescMessage>> = {
  cluster: ClusterSchema,
  listener: ListenerSchema,
  networkFilter: FilterSchema,
  httpFilter: HttpFilterSchema,
  virtualHost: VirtualHostSchema,
};

function checkValue(target: Target, mod: AnyModification, at: string): InvalidParameter[] {
  if (mod.value === undefined)
    return [{ field: `${at}.value`, reason: `is required when operation is ${mod.operation}` }];
  try {
    parseEnvoyValue(VALUE_TYPES[target], mod.value);
    return [];
  } catch (error) {
    if (!(error instanceof ModificationError)) throw error;
    return [{ field: `${at}.value`, reason: error.message.replace(/^value /, '') }];
  }
}

function checkPatch(target: Target, mod: AnyModification, at: string): InvalidParameter[] {
  const patches = mod.jsonPatches ?? [];
  if (mod.value !== undefined && patches.length > 0)
    return [{ field: at, reason: 'must set only one of value or jsonPatches' }];
  if (mod.value !== undefined) return checkValue(target, mod, at);
  if (patches.length === 0)
    return [{ field: at, reason: 'must set one of value or jsonPatches when operation is Patch' }];
  return patches.flatMap((patch, i): InvalidParameter[] => {
    const where = `${at}.jsonPatches[${i}]`;
    if ((patch.op === 'move' || patch.op === 'copy') && patch.from === undefined)
      return [{ field: `${where}.from`, reason: `is required for ${patch.op}` }];
    if ((patch.op === 'add' || patch.op === 'replace') && patch.value === undefined)
      return [{ field: `${where}.value`, reason: `is required for ${patch.op}` }];
    return [];
  });
}

function checkModification(target: Target, mod: AnyModification, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const isFilter = target === 'networkFilter' || target === 'httpFilter';
  const needsName = (why: string) => {
    if (mod.match?.name === undefined) issues.push({ field: `${at}.match.name`, reason: `is required ${why}` });
  };
  switch (mod.operation) {
    case 'Add':
      if (target === 'virtualHost' && mod.match?.name !== undefined)
        issues.push({ field: `${at}.match.name`, reason: 'must not be set when operation is Add' });
      else if (target !== 'virtualHost' && mod.match !== undefined)
        issues.push({ field: `${at}.match`, reason: 'must not be set when operation is Add' });
      issues.push(...checkValue(target, mod, at));
      break;
    case 'AddFirst':
    case 'AddLast':
      issues.push(...checkValue(target, mod, at));
      break;
    case 'AddBefore':
    case 'AddAfter':
      needsName(`to pick the filter to add ${mod.operation === 'AddBefore' ? 'before' : 'after'}`);
      issues.push(...checkValue(target, mod, at));
      break;
    case 'Patch':
      if (isFilter) needsName('to pick the filter to patch');
      issues.push(...checkPatch(target, mod, at));
      break;
    case 'Remove':
      if (mod.value !== undefined)
        issues.push({ field: `${at}.value`, reason: 'must not be set when operation is Remove' });
      break;
  }
  return issues;
}

export const MeshProxyPatchKind = definePolicy({
  name: 'MeshProxyPatch',
  shortName: 'mpp',
  order: 9999,
  acts: 'none',
  spec: MeshProxyPatchSpec,
  check: (spec) =>
    spec.default.appendModifications.flatMap((mod, i) => {
      const at = `default.appendModifications[${i}]`;
      const present = TARGETS.filter((target) => mod[target] !== undefined);
      const [target] = present;
      if (present.length !== 1 || target === undefined)
        return [{ field: at, reason: `must set exactly one of ${TARGETS.join(', ')}; ${present.length} are set` }];
      const chosen: AnyModification | undefined = mod[target];
      return chosen ? checkModification(target, chosen, `${at}.${target}`) : [];
    }),
});
