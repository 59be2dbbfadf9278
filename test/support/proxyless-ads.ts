/**
 * A raw ADS client (state of the world) that stands for a proxyless gRPC
 * dataplane, and may reject every response of one type: it registers through
 * its node metadata as `koguma dp run --proxyless` would (`dataplane.resource`,
 * flavour grpc), subscribes to the types given, ACKs the others and NACKs
 * the chosen one with an error_detail, as a client whose validation fails does.
 *
 *   request (node, type) ─► response ─► ACK  (version_info = this version)
 *                                   └─► NACK (version_info = last accepted, error_detail)
 *
 * Per the xDS protocol a NACK carries the last version the client accepted,
 * not the rejected one: https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#ack-nack-and-resource-type-instance-version
 */
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DiscoveryRequestSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../../src/xds/node-metadata.js';
import type { TypeUrl } from '../../src/xds/resource-types.js';
import { pushable } from '../xds-server/support.js';

export interface AdsClientOptions {
  readonly xdsUrl: string;
  /** PEM of the CA to trust when `xdsUrl` is https://. */
  readonly ca?: string;
  /** `<mesh>.<name>`. */
  readonly nodeId: string;
  /** The Dataplane it registers, sent in its node metadata. */
  readonly dataplane: Readonly<Record<string, unknown>>;
  readonly subscribe: readonly { readonly typeUrl: TypeUrl; readonly resourceNames?: readonly string[] }[];
  /** The type whose every response is NACKed; none when omitted. */
  readonly nack?: TypeUrl;
  /** The error_detail message of the NACK of `response`. */
  readonly errorOf?: (response: DiscoveryResponse) => string;
}

export interface AdsClient {
  /** Every response so far, in order. */
  readonly responses: readonly DiscoveryResponse[];
  ofType(typeUrl: TypeUrl): DiscoveryResponse[];
  /** Set when the stream ended with an error. */
  failure(): unknown;
  close(): void;
}

/** gRPC INVALID_ARGUMENT, the code a client uses for a resource that fails validation. */
const INVALID_ARGUMENT = 3;

/** The latest response of `typeUrl`, or undefined before the first. */
export const latestOf = (client: AdsClient, typeUrl: TypeUrl): DiscoveryResponse | undefined =>
  client.ofType(typeUrl).at(-1);

export function startAdsClient(options: AdsClientOptions): AdsClient {
  const ads = createClient(
    AggregatedDiscoveryService,
    createGrpcTransport({
      baseUrl: options.xdsUrl,
      ...(options.ca === undefined ? {} : { nodeOptions: { ca: options.ca } }),
    }),
  );
  const requests = pushable<DiscoveryRequest>();
  const abort = new AbortController();
  const responses: DiscoveryResponse[] = [];
  const accepted = new Map<string, string>();
  const namesOf = new Map(options.subscribe.map((s) => [s.typeUrl as string, [...(s.resourceNames ?? [])]]));
  let failure: unknown;

  options.subscribe.forEach(({ typeUrl }, index) =>
    requests.push(
      create(DiscoveryRequestSchema, {
        ...(index === 0
          ? {
              node: {
                id: options.nodeId,
                metadata: {
                  [DATAPLANE_RESOURCE_METADATA]: JSON.stringify(options.dataplane),
                  [PROXY_FLAVOUR_METADATA]: 'grpc',
                },
              },
            }
          : {}),
        typeUrl,
        resourceNames: namesOf.get(typeUrl) ?? [],
      }),
    ),
  );

  void (async () => {
    try {
      for await (const response of ads.streamAggregatedResources(requests.iterable, { signal: abort.signal })) {
        responses.push(response);
        const answer = {
          typeUrl: response.typeUrl,
          responseNonce: response.nonce,
          resourceNames: namesOf.get(response.typeUrl) ?? [],
        };
        if (response.typeUrl === options.nack)
          requests.push(
            create(DiscoveryRequestSchema, {
              ...answer,
              versionInfo: accepted.get(response.typeUrl) ?? '',
              errorDetail: { code: INVALID_ARGUMENT, message: options.errorOf?.(response) ?? 'rejected' },
            }),
          );
        else {
          accepted.set(response.typeUrl, response.versionInfo);
          requests.push(create(DiscoveryRequestSchema, { ...answer, versionInfo: response.versionInfo }));
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) failure = error;
    }
  })();

  return {
    responses,
    ofType: (typeUrl) => responses.filter((r) => r.typeUrl === typeUrl),
    failure: () => failure,
    close: () => {
      requests.end();
      abort.abort();
    },
  };
}
