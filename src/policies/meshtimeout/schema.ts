/** MeshTimeout: connection, idle, request and stream timeouts, outbound (to), inbound (from, rules). */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Duration, Strict } from '../../api/index.js';
import {
  definePolicy,
  checkSomeSection,
  FROM_KINDS,
  TargetRef,
  TO_OR_ROUTE_KINDS,
  TOP_LEVEL_KINDS,
} from '../core/index.js';

export const MeshTimeoutConf = Strict({
  connectionTimeout: Type.Optional(Duration({ description: 'Time to establish a connection upstream (default 5s).' })),
  idleTimeout: Type.Optional(
    Duration({ description: 'Close a connection with no active streams after this long (default 1h).' }),
  ),
  http: Type.Optional(
    Strict({
      requestTimeout: Type.Optional(
        Duration({ description: 'Whole request, including retries (default 15s); 0s disables.' }),
      ),
      streamIdleTimeout: Type.Optional(Duration({ description: 'Stream with no activity (default 30m).' })),
      maxStreamDuration: Type.Optional(
        Duration({ description: 'Longest a stream may live; bounds proxyless gRPC calls.' }),
      ),
      maxConnectionDuration: Type.Optional(Duration()),
      requestHeadersTimeout: Type.Optional(Duration({ description: 'Time to receive the request headers (inbound).' })),
    }),
  ),
});
export type MeshTimeoutConf = Static<typeof MeshTimeoutConf>;

export const MeshTimeoutSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_KINDS)),
  to: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(TO_OR_ROUTE_KINDS), default: Type.Optional(MeshTimeoutConf) })),
  ),
  from: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: Type.Optional(MeshTimeoutConf) })),
  ),
  rules: Type.Optional(Type.Array(Strict({ default: MeshTimeoutConf }))),
});
export type MeshTimeoutSpec = Static<typeof MeshTimeoutSpec>;

export const MeshTimeoutKind = definePolicy({
  name: 'MeshTimeout',
  shortName: 'mt',
  order: 1000,
  acts: 'both',
  fromAsRules: true,
  spec: MeshTimeoutSpec,
  check: (spec) => [...checkSomeSection(spec, 'to'), ...checkRouteScoped(spec)],
});

/**
 * A MeshTimeout whose top-level targetRef is a MeshHTTPRoute times that
 * route's requests only: inbound sections would select no inbound, and the
 * route already names its destination, so `to` entries name the whole mesh.
 */
function checkRouteScoped(spec: MeshTimeoutSpec): InvalidParameter[] {
  if (spec.targetRef?.kind !== 'MeshHTTPRoute') return [];
  const why =
    "must not be set when the top-level targetRef is a MeshHTTPRoute: the policy configures that route's requests only";
  return [
    ...(spec.from !== undefined ? [{ field: 'from', reason: why }] : []),
    ...(spec.rules !== undefined ? [{ field: 'rules', reason: why }] : []),
    ...(spec.to ?? []).flatMap((entry, i) =>
      ROUTE_SCOPED_TO_KINDS.includes(entry.targetRef.kind)
        ? []
        : [
            {
              field: `to[${i}].targetRef.kind`,
              reason: 'must be Mesh or MeshExternalService when the top-level targetRef is MeshHTTPRoute',
            },
          ],
    ),
  ];
}

const ROUTE_SCOPED_TO_KINDS: readonly string[] = ['Mesh', 'MeshExternalService'];

/** The MeshTimeout every new mesh gets (Kuma's defaults). */
export const defaultMeshTimeoutSpec = (): MeshTimeoutSpec => ({
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'Mesh' },
      default: {
        connectionTimeout: '5s',
        idleTimeout: '1h',
        http: { requestTimeout: '15s', streamIdleTimeout: '30m' },
      },
    },
  ],
  from: [
    {
      targetRef: { kind: 'Mesh' },
      default: {
        connectionTimeout: '5s',
        idleTimeout: '1h',
        http: { requestTimeout: '15s', streamIdleTimeout: '30m' },
      },
    },
  ],
});
