/**
 * The agent's own xDS stream in proxyless mode: it asks the control plane for
 * the proxy's two SDS Secrets (its certificate, and the mesh's roots) and
 * writes them to the files the application's gRPC library watches
 * (identity-files.ts). A gRPC application cannot take certificates over xDS
 * itself, so the agent does it for it, as the same node.
 *
 *   delta ADS, type Secret, names identity_cert:secret:<mesh>, mesh_ca:secret:<mesh>
 *     each response ─► write files ─► ACK (or NACK with the write error)
 *   stream ends ─► reconnect with backoff, until stopped
 *
 * Nothing arrives while the mesh has mTLS off; the files then do not exist
 * and the application's TLS contexts, which only mTLS configuration names,
 * are never used.
 */
import { create, fromBinary, type JsonObject } from '@bufbuild/protobuf';
import { createClient, type Transport } from '@connectrpc/connect';
import { NodeSchema, type DataSource } from '../xds/envoy/gen/envoy/config/core/v3/base_pb.js';
import { SecretSchema } from '../xds/envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { AggregatedDiscoveryService } from '../xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryRequest,
} from '../xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { identitySecretName, trustSecretName } from '../xds/generate/index.js';
import { TypeUrl } from '../xds/index.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { writeIdentity, writeTrust, type IdentityFiles } from './identity-files.js';
import type { DpLog } from './log.js';

export interface SecretWatcherOptions {
  readonly transport: Transport;
  /** The node as the application's bootstrap describes it (same id and metadata: the same proxy). */
  readonly node: { readonly id: string; readonly metadata?: JsonObject };
  readonly mesh: string;
  readonly files: IdentityFiles;
  /** Sent with the stream, e.g. `authorization: Bearer <dataplane token>`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly log: DpLog;
  readonly signal: AbortSignal;
  readonly backoff?: BackoffPolicy;
}

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000 };

/** A request stream the caller pushes to: the first request, then one ACK per response. */
function requestQueue(signal: AbortSignal) {
  const queued: DeltaDiscoveryRequest[] = [];
  let wake: (() => void) | undefined;
  const push = (request: DeltaDiscoveryRequest) => {
    queued.push(request);
    wake?.();
  };
  async function* requests(): AsyncGenerator<DeltaDiscoveryRequest> {
    while (!signal.aborted) {
      const next = queued.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  signal.addEventListener('abort', () => wake?.(), { once: true });
  return { push, requests };
}

/** One stream, until it ends. Resolves after writing whatever it received. */
async function watchOnce(options: SecretWatcherOptions, streamSignal: AbortSignal): Promise<boolean> {
  const identityName = identitySecretName(options.mesh);
  const trustName = trustSecretName(options.mesh);
  const client = createClient(AggregatedDiscoveryService, options.transport);
  const queue = requestQueue(streamSignal);
  queue.push(
    create(DeltaDiscoveryRequestSchema, {
      node: create(NodeSchema, {
        id: options.node.id,
        ...(options.node.metadata ? { metadata: options.node.metadata } : {}),
      }),
      typeUrl: TypeUrl.Secret,
      resourceNamesSubscribe: [identityName, trustName],
    }),
  );
  let received = false;
  for await (const response of client.deltaAggregatedResources(queue.requests(), {
    signal: streamSignal,
    headers: { ...options.headers },
  })) {
    received = true;
    let errorDetail: string | undefined;
    try {
      for (const resource of response.resources) {
        if (!resource.resource) continue;
        const secret = fromBinary(SecretSchema, resource.resource.value);
        if (secret.name === identityName && secret.type.case === 'tlsCertificate') {
          const { certificateChain, privateKey } = secret.type.value;
          await writeIdentity(options.files, textOf(certificateChain), textOf(privateKey));
          options.log(`workload certificate written to ${options.files.certificateFile}`);
        } else if (secret.name === trustName && secret.type.case === 'validationContext') {
          await writeTrust(options.files, textOf(secret.type.value.trustedCa));
        }
      }
    } catch (error) {
      errorDetail = `cannot write the certificate files: ${(error as Error).message}`;
      options.log(errorDetail);
    }
    queue.push(
      create(DeltaDiscoveryRequestSchema, {
        typeUrl: TypeUrl.Secret,
        responseNonce: response.nonce,
        ...(errorDetail === undefined ? {} : { errorDetail: { code: 13, message: errorDetail } }),
      }),
    );
  }
  return received;
}

function textOf(source: DataSource | undefined): string {
  const specifier = source?.specifier;
  if (specifier?.case === 'inlineBytes') return new TextDecoder().decode(specifier.value);
  if (specifier?.case === 'inlineString') return specifier.value;
  throw new Error('the Secret carries no inline PEM');
}

/** Keeps the files current until `signal` aborts. */
export async function watchSecrets(options: SecretWatcherOptions): Promise<void> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let failures = 0;
  while (!options.signal.aborted) {
    const stream = new AbortController();
    const stop = () => stream.abort();
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      const received = await watchOnce(options, stream.signal);
      if (received) failures = 0;
    } catch (error) {
      if (options.signal.aborted) break;
      if (failures === 0)
        options.log(`certificate stream to the control plane ended: ${(error as Error).message}; reconnecting`);
    } finally {
      options.signal.removeEventListener('abort', stop);
      stream.abort();
    }
    if (options.signal.aborted) break;
    const delay = backoffDelay(backoff, failures++);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
