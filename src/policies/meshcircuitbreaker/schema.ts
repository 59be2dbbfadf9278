/**
 * MeshCircuitBreaker: connection limits and outlier detection (passive health
 * checking that ejects misbehaving endpoints), for outbound clusters (to) and
 * inbound traffic (from, rules). A new mesh gets `defaultMeshCircuitBreakerSpec()`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Percentage, Strict, UINT32_MAX } from '../../api/index.js';
import {
  definePolicy,
  PositiveDuration,
  checkSomeSection,
  FROM_KINDS,
  TargetRef,
  TO_KINDS,
  TOP_LEVEL_PROXY_KINDS,
} from '../core/index.js';

const Count = (description: string) => Type.Integer({ minimum: 1, maximum: UINT32_MAX, description });

/** Envoy keeps the factor in thousandths, as a uint32. */
const MAX_DEVIATION_FACTOR = UINT32_MAX / 1000;
const WholePercent = (description: string) => Type.Integer({ minimum: 0, maximum: 100, description });

const ConnectionLimits = Strict({
  maxConnections: Type.Optional(Count('Connections to the upstream cluster (default 1024).')),
  maxConnectionPools: Type.Optional(Count('Concurrent connection pools per cluster (default unlimited).')),
  maxPendingRequests: Type.Optional(Count('Requests waiting for a connection (default 1024).')),
  maxRetries: Type.Optional(Count('Parallel retries to the cluster (default 3).')),
  maxRequests: Type.Optional(Count('Parallel requests to the cluster, HTTP only (default 1024).')),
});

const Consecutive = () =>
  Strict({ consecutive: Type.Optional(Count('Consecutive failures before ejection (Envoy default 5).')) });

const Detectors = Strict({
  totalFailures: Type.Optional(Consecutive()),
  gatewayFailures: Type.Optional(Consecutive()),
  localOriginFailures: Type.Optional(Consecutive()),
  successRate: Type.Optional(
    Strict({
      minimumHosts: Type.Optional(Count('Hosts with enough volume needed to run the detector (Envoy default 5).')),
      requestVolume: Type.Optional(Count('Requests per interval for a host to be counted (Envoy default 100).')),
      standardDeviationFactor: Type.Optional(
        Type.Union([Type.Number({ maximum: MAX_DEVIATION_FACTOR }), Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' })], {
          errorMessage: `must be a number up to ${MAX_DEVIATION_FACTOR}, or a decimal string like "1.9"`,
          description: 'Ejection threshold factor: mean - stdev * factor (Envoy default 1.9).',
        }),
      ),
    }),
  ),
  failurePercentage: Type.Optional(
    Strict({
      minimumHosts: Type.Optional(Count('Hosts needed to run the detector (Envoy default 5).')),
      requestVolume: Type.Optional(Count('Requests per interval for a host to be counted (Envoy default 50).')),
      threshold: Type.Optional(WholePercent('Failure percentage at which a host is ejected (Envoy default 85).')),
    }),
  ),
});
const DETECTORS = [
  'totalFailures',
  'gatewayFailures',
  'localOriginFailures',
  'successRate',
  'failurePercentage',
] as const;

const OutlierDetection = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns outlier detection off (default false).' })),
  interval: Type.Optional(PositiveDuration('10s', 'Time between ejection sweeps (Envoy default 10s).')),
  baseEjectionTime: Type.Optional(
    PositiveDuration('10s', 'Ejection time, multiplied by the number of ejections (Envoy default 30s).'),
  ),
  maxEjectionPercent: Type.Optional(WholePercent('Most of the cluster that may be ejected (default 10).')),
  splitExternalAndLocalErrors: Type.Optional(
    Type.Boolean({ description: 'Count local origin failures apart (default false).' }),
  ),
  detectors: Type.Optional(Detectors),
  healthyPanicThreshold: Type.Optional(
    Percentage({ description: 'Healthy share below which Envoy panics (default 50); 0 disables.' }),
  ),
});

export const MeshCircuitBreakerConf = Strict({
  connectionLimits: Type.Optional(ConnectionLimits),
  outlierDetection: Type.Optional(OutlierDetection),
});
export type MeshCircuitBreakerConf = Static<typeof MeshCircuitBreakerConf>;

export const MeshCircuitBreakerSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(TO_KINDS), default: MeshCircuitBreakerConf }))),
  from: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: MeshCircuitBreakerConf }))),
  rules: Type.Optional(Type.Array(Strict({ default: MeshCircuitBreakerConf }))),
});
export type MeshCircuitBreakerSpec = Static<typeof MeshCircuitBreakerSpec>;

function checkConf(conf: MeshCircuitBreakerConf, at: string): InvalidParameter[] {
  if (!conf.connectionLimits && !conf.outlierDetection)
    return [{ field: at, reason: 'must set at least one of connectionLimits or outlierDetection' }];
  const outlier = conf.outlierDetection;
  if (!outlier || outlier.disabled === true) return [];
  const detectors = outlier.detectors;
  if (!detectors)
    return [{ field: `${at}.outlierDetection.detectors`, reason: 'is required unless outlier detection is disabled' }];
  if (!DETECTORS.some((name) => detectors[name] !== undefined))
    return [{ field: `${at}.outlierDetection.detectors`, reason: `must set at least one of ${DETECTORS.join(', ')}` }];
  const factor = detectors.successRate?.standardDeviationFactor;
  if (factor !== undefined && !(Number(factor) > 0))
    return [
      {
        field: `${at}.outlierDetection.detectors.successRate.standardDeviationFactor`,
        reason: 'must be greater than 0',
      },
    ];
  // The string form has no maximum in the schema; the number form does.
  if (factor !== undefined && Number(factor) > MAX_DEVIATION_FACTOR)
    return [
      {
        field: `${at}.outlierDetection.detectors.successRate.standardDeviationFactor`,
        reason: `must be at most ${MAX_DEVIATION_FACTOR}`,
      },
    ];
  return [];
}

export const MeshCircuitBreakerKind = definePolicy({
  name: 'MeshCircuitBreaker',
  shortName: 'mcb',
  order: 1300,
  acts: 'both',
  fromAsRules: true,
  spec: MeshCircuitBreakerSpec,
  check: (spec) => {
    const missing = checkSomeSection(spec, 'to');
    if (missing.length > 0) return missing;
    return [
      ...(spec.to ?? []).flatMap((entry, i) => checkConf(entry.default, `to[${i}].default`)),
      ...(spec.from ?? []).flatMap((entry, i) => checkConf(entry.default, `from[${i}].default`)),
      ...(spec.rules ?? []).flatMap((rule, i) => checkConf(rule.default, `rules[${i}].default`)),
    ];
  },
});

/**
 * The MeshCircuitBreaker every new mesh gets (Kuma's defaults): 1024
 * connections, pending and parallel requests, 3 parallel retries, and outlier
 * detection on with the total, gateway and local-origin failure detectors at
 * Envoy's default thresholds.
 */
export const defaultMeshCircuitBreakerSpec = (): MeshCircuitBreakerSpec => ({
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'Mesh' },
      default: {
        connectionLimits: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
        outlierDetection: {
          disabled: false,
          detectors: { totalFailures: {}, gatewayFailures: {}, localOriginFailures: {} },
        },
      },
    },
  ],
});
