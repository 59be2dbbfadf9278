/**
 * The part of a MeshCircuitBreaker conf proxyless gRPC honours, and the
 * fields it drops. grpc-js-xds 1.14 (cluster-resource-type.js) reads from a
 * cluster only `circuit_breakers.thresholds[DEFAULT].max_requests` and, of
 * `outlier_detection`, the interval, base ejection time, max ejection percent
 * and the success-rate and failure-percentage detectors (gRFC A32, A50).
 */
import type { MeshCircuitBreakerConf } from './schema.js';

export interface GrpcSubset {
  /** What a gRPC client can apply; undefined when nothing is left. */
  readonly conf: MeshCircuitBreakerConf | undefined;
  /** Dotted paths of the fields set in the conf that gRPC does not apply. */
  readonly dropped: readonly string[];
}

const UNSUPPORTED_LIMITS = ['maxConnections', 'maxPendingRequests', 'maxRetries', 'maxConnectionPools'] as const;
const UNSUPPORTED_OUTLIER = ['splitExternalAndLocalErrors', 'healthyPanicThreshold'] as const;
const UNSUPPORTED_DETECTORS = ['totalFailures', 'gatewayFailures', 'localOriginFailures'] as const;

export function grpcSubsetOf(conf: MeshCircuitBreakerConf): GrpcSubset {
  const dropped: string[] = [];
  const limits = conf.connectionLimits;
  for (const field of UNSUPPORTED_LIMITS) if (limits?.[field] !== undefined) dropped.push(`connectionLimits.${field}`);

  const outlier = conf.outlierDetection;
  let keptOutlier: MeshCircuitBreakerConf['outlierDetection'];
  if (outlier && outlier.disabled !== true) {
    for (const field of UNSUPPORTED_OUTLIER)
      if (outlier[field] !== undefined) dropped.push(`outlierDetection.${field}`);
    const detectors = outlier.detectors ?? {};
    for (const field of UNSUPPORTED_DETECTORS)
      if (detectors[field] !== undefined) dropped.push(`outlierDetection.detectors.${field}`);
    const { successRate, failurePercentage } = detectors;
    // Without a detector gRPC runs, outlier detection would only cost a timer.
    if (successRate || failurePercentage) {
      keptOutlier = {
        ...(outlier.interval !== undefined ? { interval: outlier.interval } : {}),
        ...(outlier.baseEjectionTime !== undefined ? { baseEjectionTime: outlier.baseEjectionTime } : {}),
        ...(outlier.maxEjectionPercent !== undefined ? { maxEjectionPercent: outlier.maxEjectionPercent } : {}),
        detectors: { ...(successRate ? { successRate } : {}), ...(failurePercentage ? { failurePercentage } : {}) },
      };
    }
  }

  const kept: MeshCircuitBreakerConf = {
    ...(limits?.maxRequests !== undefined ? { connectionLimits: { maxRequests: limits.maxRequests } } : {}),
    ...(keptOutlier ? { outlierDetection: keptOutlier } : {}),
  };
  return { conf: kept.connectionLimits || kept.outlierDetection ? kept : undefined, dropped };
}
