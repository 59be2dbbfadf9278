/**
 * What a generator knows about one proxy: its own inbounds and outbounds and
 * the endpoints of every destination it can reach, already resolved from the
 * mesh. Plain data, so generators are pure functions of it and golden files
 * can be written from a JSON input.
 */
import type { Resource } from '../../api/index.js';

export type Protocol = 'tcp' | 'http' | 'http2' | 'grpc';

export type { ProxyFlavour } from '../index.js';
import type { ProxyFlavour } from '../index.js';

export interface InboundContext {
  /** Section name (`inbound[].name`), when set. */
  readonly name?: string;
  /** Where the proxy listens. */
  readonly address: string;
  readonly port: number;
  /** Where the workload listens. */
  readonly serviceAddress: string;
  readonly servicePort: number;
  /** The `kuma.io/service` tag. */
  readonly service: string;
  readonly protocol: Protocol;
  readonly tags: Readonly<Record<string, string>>;
}

export interface OutboundContext {
  /** Where the application connects (Envoy); unused by proxyless gRPC, which resolves by name. */
  readonly address: string;
  readonly port: number;
  /** The destination service (`kuma.io/service`). */
  readonly service: string;
}

export interface EndpointContext {
  readonly address: string;
  readonly port: number;
  /** `kuma.io/zone` of the endpoint's dataplane; '' when it has none. */
  readonly zone: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface DestinationContext {
  readonly service: string;
  /** The protocol the destination's inbounds declare (tcp when they disagree). */
  readonly protocol: Protocol;
  /** Ready endpoints only, sorted by address then port, so output is stable. */
  readonly endpoints: readonly EndpointContext[];
  /**
   * The port section every endpoint serves the service on, when they agree:
   * its inbound name and port. What a policy's `to[]` sectionName is matched
   * against (Kuma names a MeshService port by name, or by number when unnamed).
   */
  readonly section?: { readonly name?: string; readonly port?: number };
  /** The labels of the MeshService resource named like the service, when there is one: `to[]` entries may select it by them. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A policy that selects the proxy, as policy matching found it. Base
 * generators never read it; policy plugins do.
 */
export interface MatchedPolicy {
  readonly policy: Resource;
  /** Positions in the proxy's inbounds whose inbound traffic this policy configures. */
  readonly inbounds: readonly number[];
  /**
   * Set for a policy whose top-level targetRef is a MeshHTTPRoute: the proxy's
   * routes it names. Such a policy configures the traffic of those routes only
   * (`resolveToRoute`), never a destination as a whole.
   */
  readonly routes?: readonly string[];
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE';

/**
 * The mesh's mTLS as generators need it. The same object for as long as the
 * mesh's CA, roots and mode stay the same (generators memoize on it).
 */
export interface MeshTlsContext {
  readonly mesh: string;
  /** STRICT accepts only mTLS; PERMISSIVE also plaintext, on the same port. */
  readonly mode: MtlsMode;
  /** Every root the mesh trusts now, PEM (more than one while its CA is being switched). */
  readonly trustedRootsPem: string;
}

/** The proxy's workload certificate: delivered to Envoy over SDS. */
export interface IdentityContext {
  /** The certificate followed by the issuing CA's chain, PEM. */
  readonly certChainPem: string;
  /** PKCS#8, PEM. */
  readonly keyPem: string;
}

export interface ProxyContext {
  readonly mesh: string;
  /** The Dataplane's name; the node id is `<mesh>.<name>`. */
  readonly name: string;
  readonly flavour: ProxyFlavour;
  /** `networking.address`. */
  readonly address: string;
  readonly inbounds: readonly InboundContext[];
  readonly outbounds: readonly OutboundContext[];
  /** Every service an outbound names, by service name. */
  readonly destinations: ReadonlyMap<string, DestinationContext>;
  /** Policies selecting the proxy, by kind, each list lowest priority first; kinds with none are absent. */
  readonly policies?: ReadonlyMap<string, readonly MatchedPolicy[]>;
  /** Set when the mesh has mTLS enabled. */
  readonly tls?: MeshTlsContext;
  /** The proxy's certificate; set with `tls` (an Envoy proxy is not configured for mTLS without one). */
  readonly identity?: IdentityContext;
}
