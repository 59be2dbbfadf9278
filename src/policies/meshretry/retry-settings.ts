/**
 * What a resolved MeshRetry conf means for one destination, in Envoy's terms
 * (builders/retry-policy.ts). The section that applies follows the
 * destination's protocol, as in Kuma: `grpc` for grpc, `http` for http and
 * http2, `tcp` for tcp. A proxyless gRPC client only ever makes gRPC calls,
 * so it takes the `grpc` section whatever the protocol, within what
 * grpc-js-xds reads (resolver-xds.js): retry_on gRPC status names,
 * num_retries and retry_back_off.
 *
 * Kuma's conventions kept here: `numRetries: 0` means no retry policy at all;
 * an unset `retryOn` retries Kuma's default conditions; HTTP status codes in
 * `retryOn` become `retriable-status-codes`, and `HttpMethod*` entries a
 * `:method` header the request must carry.
 *
 * `http.hostSelection` (Envoy only: grpc-js-xds reads no host predicates)
 * becomes Envoy retry plugins
 * (https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/http/http_connection_management#retry-plugin-configuration):
 *
 *   OmitPreviousHosts       retry_host_predicate envoy.retry_host_predicates.previous_hosts
 *   OmitHostsWithTags       retry_host_predicate envoy.retry_host_predicates.omit_host_metadata,
 *                           the tags as metadata_match under `envoy.lb`, where every
 *                           endpoint carries its tags (builders/load-assignment.ts)
 *   OmitPreviousPriorities  retry_priority envoy.retry_priorities.previous_priorities
 *                           (update_frequency, 2 when unset, as in Kuma)
 *
 * The route builder has no input for these plugins, so buildMeshRetryPolicy
 * adds them to what buildRetryPolicy returns.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import {
  RetryPolicy_RetryHostPredicateSchema,
  RetryPolicy_RetryPrioritySchema,
  type RetryPolicy,
  type RetryPolicy_RetryHostPredicate,
  type RetryPolicy_RetryPriority,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { OmitHostMetadataConfigSchema } from '../../xds/envoy/gen/envoy/extensions/retry/host/omit_host_metadata/v3/omit_host_metadata_config_pb.js';
import { PreviousHostsPredicateSchema } from '../../xds/envoy/gen/envoy/extensions/retry/host/previous_hosts/v3/previous_hosts_pb.js';
import { PreviousPrioritiesConfigSchema } from '../../xds/envoy/gen/envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config_pb.js';
import {
  LB_METADATA_NAMESPACE,
  sortedTags,
  type Protocol,
  buildHeaderMatcher,
  buildRetryPolicy,
  RetryPolicy_ResetHeaderFormat,
  type HeaderMatchInput,
  type RetryPolicyInput,
} from '../../xds/generate/index.js';
import { durationMs } from '../core/index.js';
import type { MeshRetryConf } from './schema.js';

type HttpConf = NonNullable<MeshRetryConf['http']>;
type GrpcConf = NonNullable<MeshRetryConf['grpc']>;
type HeaderMatch = NonNullable<HttpConf['retriableRequestHeaders']>[number];
type RateLimitedBackOff = NonNullable<HttpConf['rateLimitedBackOff']>;
type HostPredicate = NonNullable<HttpConf['hostSelection']>[number];

/** A route retry policy as MeshRetry asks for it: the builder's input plus `http.hostSelection`, kept as written. */
export interface MeshRetryInput extends RetryPolicyInput {
  readonly hostSelection?: readonly HostPredicate[];
}

export type RetrySection = 'http' | 'grpc' | 'tcp';

/** The section Envoy applies for a destination speaking `protocol`. */
export const sectionFor = (protocol: Protocol): RetrySection =>
  protocol === 'grpc' ? 'grpc' : protocol === 'tcp' ? 'tcp' : 'http';

/** Kuma's defaults when `retryOn` is unset. */
export const HTTP_DEFAULT_RETRY_ON = ['gateway-error', 'connect-failure', 'refused-stream'] as const;
export const GRPC_DEFAULT_RETRY_ON = [
  'cancelled',
  'connect-failure',
  'gateway-error',
  'refused-stream',
  'reset',
  'resource-exhausted',
  'unavailable',
] as const;

const HTTP_CONDITIONS: Readonly<Record<string, string>> = {
  '5xx': '5xx',
  '5XX': '5xx',
  GatewayError: 'gateway-error',
  Reset: 'reset',
  Retriable4xx: 'retriable-4xx',
  ConnectFailure: 'connect-failure',
  EnvoyRatelimited: 'envoy-ratelimited',
  RefusedStream: 'refused-stream',
  Http3PostConnectFailure: 'http3-post-connect-failure',
};

/** gRPC status names as Envoy and grpc-js-xds (RETRY_CODES) spell them. */
export const GRPC_CONDITIONS: Readonly<Record<string, string>> = {
  Canceled: 'cancelled',
  DeadlineExceeded: 'deadline-exceeded',
  Internal: 'internal',
  ResourceExhausted: 'resource-exhausted',
  Unavailable: 'unavailable',
};

const HTTP_METHOD_PREFIX = 'HttpMethod';
const msOf = (duration: string | undefined): number | undefined =>
  duration === undefined ? undefined : durationMs(duration);

const headerKinds = {
  Exact: 'exact',
  Prefix: 'prefix',
  RegularExpression: 'regex',
  Present: 'present',
  Absent: 'absent',
} as const;
const headerMatcherOf = (header: HeaderMatch) => {
  const input: HeaderMatchInput = {
    name: header.name,
    kind: headerKinds[header.type ?? 'Exact'],
    ...(header.value !== undefined ? { value: header.value } : {}),
  };
  return buildHeaderMatcher(input);
};

const formats = {
  Seconds: RetryPolicy_ResetHeaderFormat.SECONDS,
  UnixTimestamp: RetryPolicy_ResetHeaderFormat.UNIX_TIMESTAMP,
} as const;
const rateLimitedOf = (backOff: RateLimitedBackOff): NonNullable<RetryPolicyInput['rateLimitedBackOff']> => ({
  resetHeaders: backOff.resetHeaders.map(({ name, format }) => ({ name, format: formats[format] })),
  ...(backOff.maxInterval !== undefined ? { maxIntervalMs: durationMs(backOff.maxInterval) } : {}),
});

/** The fields both protocol sections share. */
function commonInput(conf: HttpConf | GrpcConf, retryOn: readonly string[]): RetryPolicyInput {
  return {
    retryOn,
    numRetries: conf.numRetries,
    perTryTimeoutMs: msOf(conf.perTryTimeout),
    backOff: conf.backOff && {
      baseIntervalMs: msOf(conf.backOff.baseInterval),
      maxIntervalMs: msOf(conf.backOff.maxInterval),
    },
    ...(conf.rateLimitedBackOff ? { rateLimitedBackOff: rateLimitedOf(conf.rateLimitedBackOff) } : {}),
  };
}

/** Envoy's retry policy for an HTTP destination; undefined for `numRetries: 0`. */
export function envoyHttpRetry(conf: HttpConf): MeshRetryInput | undefined {
  if (conf.numRetries === 0) return undefined;
  const entries = conf.retryOn ?? [];
  const named = entries.flatMap((entry) => (HTTP_CONDITIONS[entry] !== undefined ? [HTTP_CONDITIONS[entry]] : []));
  const statusCodes = entries.filter((entry) => /^[0-9]{3}$/.test(entry)).map(Number);
  const methods = entries
    .filter((entry) => entry.startsWith(HTTP_METHOD_PREFIX))
    .map((entry) => entry.slice(HTTP_METHOD_PREFIX.length).toUpperCase());
  const retryOn = [
    ...new Set([
      ...(named.length > 0 ? named : HTTP_DEFAULT_RETRY_ON),
      ...(statusCodes.length > 0 ? ['retriable-status-codes'] : []),
    ]),
  ];
  return {
    ...commonInput(conf, retryOn),
    retriableStatusCodes: statusCodes,
    retriableHeaders: (conf.retriableResponseHeaders ?? []).map(headerMatcherOf),
    retriableRequestHeaders: [
      ...methods.map((method) => buildHeaderMatcher({ name: ':method', kind: 'exact', value: method })),
      ...(conf.retriableRequestHeaders ?? []).map(headerMatcherOf),
    ],
    hostSelectionMaxAttempts: conf.hostSelectionMaxAttempts,
    ...(conf.hostSelection !== undefined ? { hostSelection: conf.hostSelection } : {}),
  };
}

const PREVIOUS_HOSTS_PREDICATE = 'envoy.retry_host_predicates.previous_hosts';
const OMIT_HOST_METADATA_PREDICATE = 'envoy.retry_host_predicates.omit_host_metadata';
const PREVIOUS_PRIORITIES = 'envoy.retry_priorities.previous_priorities';
/** Kuma's default of `updateFrequency` (Envoy requires one above 0). */
const DEFAULT_UPDATE_FREQUENCY = 2;

function hostPredicateOf(predicate: HostPredicate): RetryPolicy_RetryHostPredicate | undefined {
  if (predicate.predicate === 'OmitPreviousHosts') {
    const typedConfig = anyPack(PreviousHostsPredicateSchema, create(PreviousHostsPredicateSchema));
    return create(RetryPolicy_RetryHostPredicateSchema, {
      name: PREVIOUS_HOSTS_PREDICATE,
      configType: { case: 'typedConfig', value: typedConfig },
    });
  }
  if (predicate.predicate === 'OmitHostsWithTags') {
    const config = create(OmitHostMetadataConfigSchema, {
      metadataMatch: { filterMetadata: { [LB_METADATA_NAMESPACE]: sortedTags(predicate.tags ?? {}) } },
    });
    const typedConfig = anyPack(OmitHostMetadataConfigSchema, config);
    return create(RetryPolicy_RetryHostPredicateSchema, {
      name: OMIT_HOST_METADATA_PREDICATE,
      configType: { case: 'typedConfig', value: typedConfig },
    });
  }
  return undefined;
}

function retryPriorityOf(predicate: HostPredicate): RetryPolicy_RetryPriority {
  const config = create(PreviousPrioritiesConfigSchema, {
    updateFrequency: predicate.updateFrequency ?? DEFAULT_UPDATE_FREQUENCY,
  });
  return create(RetryPolicy_RetryPrioritySchema, {
    name: PREVIOUS_PRIORITIES,
    configType: { case: 'typedConfig', value: anyPack(PreviousPrioritiesConfigSchema, config) },
  });
}

/**
 * Envoy's retry plugins for `http.hostSelection`: host predicates in the
 * order given, and the priority plugin when OmitPreviousPriorities is there
 * (the schema allows it once).
 */
export function envoyHostSelection(predicates: readonly HostPredicate[]): {
  retryHostPredicate: RetryPolicy_RetryHostPredicate[];
  retryPriority?: RetryPolicy_RetryPriority;
} {
  const retryHostPredicate = predicates.flatMap((predicate) => hostPredicateOf(predicate) ?? []);
  const priority = predicates.find((predicate) => predicate.predicate === 'OmitPreviousPriorities');
  return priority === undefined
    ? { retryHostPredicate }
    : { retryHostPredicate, retryPriority: retryPriorityOf(priority) };
}

/** The route retry policy of a MeshRetryInput: buildRetryPolicy's, plus the host selection plugins. */
export function buildMeshRetryPolicy(input: MeshRetryInput): RetryPolicy {
  const policy = buildRetryPolicy(input);
  if (input.hostSelection === undefined) return policy;
  const { retryHostPredicate, retryPriority } = envoyHostSelection(input.hostSelection);
  policy.retryHostPredicate = retryHostPredicate;
  if (retryPriority) policy.retryPriority = retryPriority;
  return policy;
}

const grpcRetryOn = (conf: GrpcConf): string[] | undefined => conf.retryOn?.map((status) => GRPC_CONDITIONS[status]!);

/** Envoy's retry policy for a gRPC destination; undefined for `numRetries: 0`. */
export function envoyGrpcRetry(conf: GrpcConf): RetryPolicyInput | undefined {
  if (conf.numRetries === 0) return undefined;
  return commonInput(conf, grpcRetryOn(conf) ?? GRPC_DEFAULT_RETRY_ON);
}

/** grpc-js caps attempts at 5 (retrying-call.js DEFAULT_MAX_ATTEMPTS_LIMIT): 4 retries. */
export const GRPC_MAX_RETRIES = 4;

export interface ProxylessRetry {
  readonly policy?: RetryPolicyInput;
  /** What the policy asks that the client will not do: the field as the user wrote it, and why. */
  readonly unapplied: readonly string[];
}

/**
 * The retry policy of a proxyless client: only what grpc-js-xds reads. An
 * unset `retryOn` keeps the gRPC statuses among Kuma's defaults (grpc-js-xds
 * ignores the Envoy-only conditions anyway).
 */
export function proxylessGrpcRetry(conf: GrpcConf): ProxylessRetry {
  const unapplied = [
    ...(conf.perTryTimeout !== undefined
      ? ['grpc.perTryTimeout not applied: grpc-js-xds has no per-attempt timeout']
      : []),
    ...(conf.rateLimitedBackOff !== undefined
      ? ['grpc.rateLimitedBackOff not applied: grpc-js-xds reads no rate-limit reset headers']
      : []),
    ...(conf.numRetries !== undefined && conf.numRetries > GRPC_MAX_RETRIES
      ? [
          `grpc.numRetries ${conf.numRetries} applied as ${GRPC_MAX_RETRIES}: grpc-js makes at most ${GRPC_MAX_RETRIES + 1} attempts`,
        ]
      : []),
  ];
  if (conf.numRetries === 0) return { unapplied };
  const retryOn =
    grpcRetryOn(conf) ??
    GRPC_DEFAULT_RETRY_ON.filter((condition) => Object.values(GRPC_CONDITIONS).includes(condition));
  const backOff = conf.backOff && {
    baseIntervalMs: msOf(conf.backOff.baseInterval),
    maxIntervalMs: msOf(conf.backOff.maxInterval),
  };
  return { policy: { retryOn, numRetries: conf.numRetries, backOff }, unapplied };
}
