/**
 * A resolved MeshCircuitBreaker conf as the cluster settings Envoy reads:
 *
 *   connectionLimits ─► circuit_breakers.thresholds[DEFAULT priority]
 *   outlierDetection ─► outlier_detection (each detector switched on with
 *                       enforcement 100 %, or explicitly off with 0 %)
 *                    └► common_lb_config.healthy_panic_threshold
 *
 * Detectors left out are switched off explicitly: Envoy (and gRPC, for
 * success rate) enforce some of them by default, and a policy that names only
 * `totalFailures` must not eject on success rate too.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  CircuitBreakersSchema,
  type CircuitBreakers,
} from '../../xds/envoy/gen/envoy/config/cluster/v3/circuit_breaker_pb.js';
import {
  OutlierDetectionSchema,
  type OutlierDetection,
} from '../../xds/envoy/gen/envoy/config/cluster/v3/outlier_detection_pb.js';
import { RoutingPriority } from '../../xds/envoy/gen/envoy/config/core/v3/base_pb.js';
import { durationMs } from '../core/index.js';
import type { MeshCircuitBreakerConf } from './schema.js';

type ConnectionLimits = NonNullable<MeshCircuitBreakerConf['connectionLimits']>;
type Outlier = NonNullable<MeshCircuitBreakerConf['outlierDetection']>;

const ENFORCED = 100;
const NOT_ENFORCED = 0;

/** The thresholds for the DEFAULT routing priority (the only one Kuma configures, and the only one gRPC reads). */
export function circuitBreakersOf(limits: ConnectionLimits): CircuitBreakers {
  return create(CircuitBreakersSchema, {
    thresholds: [
      {
        priority: RoutingPriority.DEFAULT,
        ...(limits.maxConnections !== undefined ? { maxConnections: limits.maxConnections } : {}),
        ...(limits.maxPendingRequests !== undefined ? { maxPendingRequests: limits.maxPendingRequests } : {}),
        ...(limits.maxRequests !== undefined ? { maxRequests: limits.maxRequests } : {}),
        ...(limits.maxRetries !== undefined ? { maxRetries: limits.maxRetries } : {}),
        ...(limits.maxConnectionPools !== undefined ? { maxConnectionPools: limits.maxConnectionPools } : {}),
      },
    ],
  });
}

/** Envoy's `success_rate_stdev_factor` is the factor times 1000 (1.9 is 1900). */
const stdevFactorOf = (factor: number | string): number => Math.round(Number(factor) * 1000);

/** Outlier detection, or undefined when the conf turns it off. */
export function outlierDetectionOf(outlier: Outlier): OutlierDetection | undefined {
  if (outlier.disabled === true) return undefined;
  const d = outlier.detectors ?? {};
  const total = d.totalFailures;
  const gateway = d.gatewayFailures;
  const local = d.localOriginFailures;
  const success = d.successRate;
  const failure = d.failurePercentage;
  return create(OutlierDetectionSchema, {
    ...(outlier.interval !== undefined ? { interval: durationFromMs(durationMs(outlier.interval)) } : {}),
    ...(outlier.baseEjectionTime !== undefined
      ? { baseEjectionTime: durationFromMs(durationMs(outlier.baseEjectionTime)) }
      : {}),
    ...(outlier.maxEjectionPercent !== undefined ? { maxEjectionPercent: outlier.maxEjectionPercent } : {}),
    splitExternalLocalOriginErrors: outlier.splitExternalAndLocalErrors === true,
    enforcingConsecutive5xx: total ? ENFORCED : NOT_ENFORCED,
    ...(total?.consecutive !== undefined ? { consecutive5xx: total.consecutive } : {}),
    enforcingConsecutiveGatewayFailure: gateway ? ENFORCED : NOT_ENFORCED,
    ...(gateway?.consecutive !== undefined ? { consecutiveGatewayFailure: gateway.consecutive } : {}),
    enforcingConsecutiveLocalOriginFailure: local ? ENFORCED : NOT_ENFORCED,
    ...(local?.consecutive !== undefined ? { consecutiveLocalOriginFailure: local.consecutive } : {}),
    enforcingSuccessRate: success ? ENFORCED : NOT_ENFORCED,
    ...(success?.minimumHosts !== undefined ? { successRateMinimumHosts: success.minimumHosts } : {}),
    ...(success?.requestVolume !== undefined ? { successRateRequestVolume: success.requestVolume } : {}),
    ...(success?.standardDeviationFactor !== undefined
      ? { successRateStdevFactor: stdevFactorOf(success.standardDeviationFactor) }
      : {}),
    enforcingFailurePercentage: failure ? ENFORCED : NOT_ENFORCED,
    ...(failure?.minimumHosts !== undefined ? { failurePercentageMinimumHosts: failure.minimumHosts } : {}),
    ...(failure?.requestVolume !== undefined ? { failurePercentageRequestVolume: failure.requestVolume } : {}),
    ...(failure?.threshold !== undefined ? { failurePercentageThreshold: failure.threshold } : {}),
  });
}
