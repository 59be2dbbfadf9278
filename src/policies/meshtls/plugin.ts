/**
 * The MeshTLS plugin: the mesh's mTLS, adjusted per proxy and inbound.
 * Only meaningful with mesh mTLS on; without it there is no TLS to adjust.
 *
 *   Envoy  rules[], from[] (Mesh) per inbound ─► inbound:<ip>:<port>
 *            mode        ─► its filter chains rebuilt STRICT or PERMISSIVE (inbound-tls-mode.ts)
 *            tlsVersion, tlsCiphers ─► tls_params of its DownstreamTlsContext
 *          mesh-wide tlsVersion, tlsCiphers ─► tls_params of every cluster's UpstreamTlsContext
 *                                              (Kuma applies them to both sides of a connection)
 *   gRPC   not applied: grpc-js-xds rejects tls_params on listeners and clusters,
 *          and a proxyless server cannot take plaintext beside mTLS (no PERMISSIVE)
 *
 * A mode is about the inbound, not about callers: `from[]` entries naming
 * some callers only are reported and left out.
 */
import { ClusterSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  buildTlsParameters,
  makeInboundPermissive,
  makeInboundStrict,
  setTlsParameters,
  type TlsParamsInput,
  type MtlsMode,
} from '../../xds/generate/index.js';
import { defineEdit, inboundListeners, type ProxyResources } from '../../xds/generate/index.js';
import {
  inboundRules,
  policiesForInbound,
  resolveCatchAll,
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
  fromEntries,
  ruleEntries,
} from '../core/index.js';
import type { MeshTLSConf } from './schema.js';
import { modeOf, proxyWideConf, tlsParamsOf } from './tls-settings.js';

interface InboundTls {
  /** Set when it differs from the mesh's mode. */
  readonly mode?: MtlsMode;
  readonly params?: TlsParamsInput;
}

const withInboundTls = defineEdit('MeshTLS inbound', ListenerSchema, (copy, tls: InboundTls) => {
  if (tls.mode === 'PERMISSIVE') makeInboundPermissive(copy);
  if (tls.mode === 'STRICT') makeInboundStrict(copy);
  if (!tls.params) return;
  const params = buildTlsParameters(tls.params);
  for (const chain of copy.filterChains) if (chain.transportSocket) setTlsParameters(chain.transportSocket, params);
});

/** The mesh-wide TLS parameters on a cluster's UpstreamTlsContext (a cluster without one is left as it is). */
const withUpstreamTls = defineEdit(
  'MeshTLS upstream',
  ClusterSchema,
  (copy, { params }: { params: TlsParamsInput }) => {
    if (copy.transportSocket) setTlsParameters(copy.transportSocket, buildTlsParameters(params));
  },
);

/** Reports `from[]` entries that name some callers only. */
function warnPerClientEntries(
  matched: readonly MatchedPolicy[],
  inbound: number,
  warn: (message: string) => void,
): void {
  for (const policy of policiesForInbound(matched, inbound)) {
    if (ruleEntries(policy).length > 0) continue;
    fromEntries(policy).forEach((entry, i) => {
      if (entry.targetRef.kind !== 'Mesh')
        warn(
          `${policy.name}: from[${i}] (${entry.targetRef.kind}) not applied: TLS settings are per inbound, not per caller; use rules or a Mesh source`,
        );
    });
  }
}

function inboundConf(matched: readonly MatchedPolicy[], inbound: number): MeshTLSConf | undefined {
  return resolveCatchAll(inboundRules(matched, inbound, { fromAsRules: true })) as MeshTLSConf | undefined;
}

function applyToEnvoy(
  resources: ProxyResources,
  { proxy, matched, warn }: PluginContext,
  meshMode: MtlsMode,
): ProxyResources {
  const byPosition = new Map(inboundListeners(resources).map(({ listener, position }) => [position, listener]));
  const replaced = new Map<Listener, Listener>();
  proxy.inbounds.forEach((_, position) => {
    warnPerClientEntries(matched, position, warn);
    const conf = inboundConf(matched, position);
    const mode = modeOf(conf);
    const tls: InboundTls = {
      ...(mode && mode !== meshMode ? { mode } : {}),
      ...(tlsParamsOf(conf) ? { params: tlsParamsOf(conf)! } : {}),
    };
    const listener = byPosition.get(position);
    if (listener && (tls.mode || tls.params)) replaced.set(listener, withInboundTls(listener, tls));
  });
  const upstream = tlsParamsOf(proxyWideConf(matched));
  const secured = resources.map('listeners', (listener) => replaced.get(listener) ?? listener);
  if (!upstream) return secured;
  const withParams = withUpstreamTls.for({ params: upstream });
  return secured.map('clusters', (cluster) => (cluster.transportSocket ? withParams(cluster) : cluster));
}

/** What a proxyless proxy would have been asked to do, as warnings; it changes nothing. */
function warnGrpc({ proxy, matched, warn }: PluginContext): void {
  const confs = [proxyWideConf(matched), ...proxy.inbounds.map((_, position) => inboundConf(matched, position))];
  if (confs.some((conf) => tlsParamsOf(conf)))
    warn('tlsVersion and tlsCiphers not applied: grpc-js-xds rejects listeners and clusters that set tls_params');
  if (confs.some((conf) => modeOf(conf) === 'PERMISSIVE'))
    warn(
      'mode Permissive not applied: a proxyless gRPC server cannot accept plaintext beside mTLS on one port; it stays Strict',
    );
}

export const meshTLSPlugin = {
  kind: 'MeshTLS',
  apply(resources, given) {
    const context = given;
    const { warn } = context;
    if (!given.proxy.tls) {
      warn('not applied: the mesh has no mTLS enabled, so there is no TLS to configure');
      return resources;
    }
    if (given.proxy.flavour === 'grpc') {
      warnGrpc(context);
      return resources;
    }
    return applyToEnvoy(resources, context, given.proxy.tls.mode);
  },
} satisfies PolicyPlugin<'MeshTLS'>;
