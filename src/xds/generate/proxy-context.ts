/**
 * What a generator knows about one proxy: its own inbounds and outbounds and
 * the endpoints of every destination it can reach, already resolved from the
 * mesh. Plain data, so generators are pure functions of it and golden files
 * can be written from a JSON input.
 */

export type Protocol = 'tcp' | 'http' | 'http2' | 'grpc';

/** Which data plane the proxy is: an Envoy sidecar or a gRPC application speaking xDS itself. */
export type ProxyFlavour = 'envoy' | 'grpc';

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
}
