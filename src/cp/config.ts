/**
 * Control-plane configuration: one table of settings, each with its default,
 * its `--flag` and its `KOGUMA_*` variable. `koguma cp run` builds its options
 * from this table and `GET /config` shows the resolved values, so the three can
 * never disagree.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseDuration, KogumaError } from '../api/index.js';
import type { ControlPlaneMode } from '../manager/index.js';
import { defaultStreamLimits, streamLimitFlags } from '../xds/server/index.js';

export type StoreType = 'memory' | 'pglite' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type DpAuthMode = 'dpToken' | 'none';
export type LogFormat = 'json' | 'text';

export interface ControlPlaneConfig {
  readonly mode: ControlPlaneMode;
  readonly apiAddress: string;
  readonly apiPort: number;
  readonly xdsAddress: string;
  readonly xdsPort: number;
  readonly xdsTls: boolean;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly xdsDebounceMs: number;
  readonly insightFlushMs: number;
  readonly dataplaneRemovalDelayMs: number;
  readonly heartbeatIntervalMs: number;
  readonly instanceTtlMs: number;
  readonly mtlsCaSwitchDelayMs: number;
  readonly certIssuanceRate: number;
  readonly xdsMaxStreamsPerConnection: number;
  readonly xdsMaxPendingStreamsPerConnection: number;
  readonly xdsFirstRequestTimeoutMs: number;
  readonly xdsMaxStreamsPerDataplane: number;
  readonly shutdownTimeoutMs: number;
  readonly dpAuth: DpAuthMode;
  readonly store: StoreType;
  readonly dataDir: string;
  readonly postgresUrl: string;
  readonly bodyLimitBytes: number;
  readonly localhostIsAdmin: boolean;
  readonly apiReadOnly: boolean;
  /** Origins (scheme://host[:port]) whose browser pages may call the REST API; none by default. */
  readonly apiCorsAllowedOrigins: readonly string[];
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly instanceId: string;
}

interface Setting<K extends keyof ControlPlaneConfig> {
  readonly key: K;
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly default: () => ControlPlaneConfig[K];
  readonly parse: (raw: string) => ControlPlaneConfig[K];
}

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string): T => {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    throw new Error(`must be one of: ${values.join(', ')}`);
  };

const port = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error('must be a port between 0 and 65535');
  return value;
};

const positiveInteger = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error('must be a positive integer');
  return value;
};

/** setTimeout's largest delay (about 24.8 days); a longer one would fire at once. */
const longestTimerMs = 2_147_483_647;

/** A duration that a timer waits: more than zero, and short enough for a timer. */
const timeout = (raw: string): number => {
  const value = parseDuration(raw);
  if (value <= 0) throw new Error('must be longer than 0');
  if (value > longestTimerMs) throw new Error('must be shorter than 24 days');
  return value;
};

const atLeast =
  (minimum: number, why: string) =>
  (raw: string): number => {
    const value = positiveInteger(raw);
    if (value < minimum) throw new Error(`must be at least ${minimum}: ${why}`);
    return value;
  };

const boolean = (raw: string): boolean => {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error('must be true or false');
};

/** `scheme://host[:port]` origins, comma-separated; an empty value allows none. */
const origins = (raw: string): string[] => {
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of list) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== entry)
      throw new Error(`"${entry}" is not an origin like https://gui.example.com or http://localhost:8080`);
  }
  return list;
};

const text = (raw: string): string => {
  if (raw === '') throw new Error('must not be empty');
  return raw;
};

type AnySetting = { [K in keyof ControlPlaneConfig]: Setting<K> }[keyof ControlPlaneConfig];

export const settings: readonly AnySetting[] = [
  {
    key: 'mode',
    flag: '--mode',
    env: 'KOGUMA_MODE',
    description:
      'Run as a zone (writes get the zone origin labels of zone `default`) or as the global control plane (writes get `kuma.io/origin: global`, services are inspected as Kuma global does); both serve xDS to the proxies connected to them, and neither syncs with other control planes yet',
    default: () => 'zone',
    parse: oneOf<ControlPlaneMode>(['zone', 'global']),
  },
  {
    key: 'apiAddress',
    flag: '--api-address',
    env: 'KOGUMA_API_ADDRESS',
    description: 'Address the REST API listens on (writes from other hosts need an admin token)',
    default: () => '127.0.0.1',
    parse: text,
  },
  {
    key: 'apiPort',
    flag: '--api-port',
    env: 'KOGUMA_API_PORT',
    description: 'Port of the REST API (0 picks a free port)',
    default: () => 5681,
    parse: port,
  },
  {
    key: 'xdsAddress',
    flag: '--xds-address',
    env: 'KOGUMA_XDS_ADDRESS',
    description: 'Address the DP server (xDS and /bootstrap) listens on, and that bootstraps point proxies to',
    default: () => '127.0.0.1',
    parse: text,
  },
  {
    key: 'xdsPort',
    flag: '--xds-port',
    env: 'KOGUMA_XDS_PORT',
    description: 'Port of the DP server (0 picks a free port)',
    default: () => 5678,
    parse: port,
  },
  {
    key: 'xdsTls',
    flag: '--xds-tls',
    env: 'KOGUMA_XDS_TLS',
    description:
      'Serve the DP server over TLS; false serves plaintext (development and benchmarks only: tokens and certificates then cross the network in clear)',
    default: () => true,
    parse: boolean,
  },
  {
    key: 'tlsCertFile',
    flag: '--tls-cert-file',
    env: 'KOGUMA_TLS_CERT_FILE',
    description:
      'Certificate (PEM, chain allowed) of the DP server; without it one is generated under --data-dir/tls, signed by a CA there (tls/ca.crt)',
    default: () => '',
    parse: text,
  },
  {
    key: 'tlsKeyFile',
    flag: '--tls-key-file',
    env: 'KOGUMA_TLS_KEY_FILE',
    description: 'Private key (PEM) of --tls-cert-file',
    default: () => '',
    parse: text,
  },
  {
    key: 'xdsDebounceMs',
    flag: '--xds-debounce',
    env: 'KOGUMA_XDS_DEBOUNCE',
    description: 'How long changes are collected before affected proxies are rebuilt',
    default: () => 10,
    parse: parseDuration,
  },
  {
    key: 'insightFlushMs',
    flag: '--insight-flush',
    env: 'KOGUMA_INSIGHT_FLUSH',
    description:
      'How long proxy status changes (connects, ACKs, NACKs, certificates) are collected before this instance writes them to the store as dataplane insights',
    default: () => 100,
    parse: parseDuration,
  },
  {
    key: 'dataplaneRemovalDelayMs',
    flag: '--dataplane-removal-delay',
    env: 'KOGUMA_DATAPLANE_REMOVAL_DELAY',
    description:
      'How long after its last stream ends (or its control-plane instance stops heartbeating) a self-registered dataplane is removed',
    default: () => 30_000,
    parse: parseDuration,
  },
  {
    key: 'heartbeatIntervalMs',
    flag: '--heartbeat-interval',
    env: 'KOGUMA_HEARTBEAT_INTERVAL',
    description:
      'How often this instance tells the store it is alive, and sweeps the dataplanes of proxies that went away',
    default: () => 1_000,
    parse: parseDuration,
  },
  {
    key: 'instanceTtlMs',
    flag: '--instance-ttl',
    env: 'KOGUMA_INSTANCE_TTL',
    description:
      'How long an instance may miss heartbeats before the others take it for dead and remove its proxies (after the removal delay)',
    default: () => 5_000,
    parse: parseDuration,
  },
  {
    key: 'mtlsCaSwitchDelayMs',
    flag: '--mtls-ca-switch-delay',
    env: 'KOGUMA_MTLS_CA_SWITCH_DELAY',
    description: "When a mesh's CA changes, how long proxies trust both roots before certificates come from the new CA",
    default: () => 5_000,
    parse: parseDuration,
  },
  {
    key: 'certIssuanceRate',
    flag: '--cert-issuance-rate',
    env: 'KOGUMA_CERT_ISSUANCE_RATE',
    description: 'Most workload certificates issued per second (a reconnect storm queues beyond it)',
    default: () => 200,
    parse: positiveInteger,
  },
  {
    key: 'xdsMaxStreamsPerConnection',
    flag: streamLimitFlags.maxStreamsPerConnection,
    env: 'KOGUMA_XDS_MAX_STREAMS_PER_CONNECTION',
    description:
      'Most ADS streams one connection to the DP server may hold open; more are refused with RESOURCE_EXHAUSTED (a proxy uses one or two)',
    default: () => defaultStreamLimits.maxStreamsPerConnection,
    parse: positiveInteger,
  },
  {
    key: 'xdsMaxPendingStreamsPerConnection',
    flag: streamLimitFlags.maxPendingStreamsPerConnection,
    env: 'KOGUMA_XDS_MAX_PENDING_STREAMS_PER_CONNECTION',
    description:
      'Most ADS streams of one connection that have not sent their first DiscoveryRequest yet; more are refused with RESOURCE_EXHAUSTED',
    default: () => defaultStreamLimits.maxPendingStreamsPerConnection,
    parse: positiveInteger,
  },
  {
    key: 'xdsFirstRequestTimeoutMs',
    flag: streamLimitFlags.firstRequestTimeoutMs,
    env: 'KOGUMA_XDS_FIRST_REQUEST_TIMEOUT',
    description:
      'How long a new ADS stream may go without sending its first DiscoveryRequest before it is ended (DEADLINE_EXCEEDED)',
    default: () => defaultStreamLimits.firstRequestTimeoutMs,
    parse: timeout,
  },
  {
    key: 'xdsMaxStreamsPerDataplane',
    flag: streamLimitFlags.maxStreamsPerDataplane,
    env: 'KOGUMA_XDS_MAX_STREAMS_PER_DATAPLANE',
    description:
      "Most ADS streams one dataplane may hold open over all connections; a newer stream ends the dataplane's oldest one (a reconnecting proxy is never locked out)",
    default: () => defaultStreamLimits.maxStreamsPerDataplane,
    parse: atLeast(2, 'koguma dp run --proxyless holds two streams per dataplane'),
  },
  {
    key: 'shutdownTimeoutMs',
    flag: '--shutdown-timeout',
    env: 'KOGUMA_SHUTDOWN_TIMEOUT',
    description:
      'On SIGTERM or SIGINT, how long REST requests in flight may take to finish (new ones get 503) before they are cut and xDS streams are ended',
    default: () => 10_000,
    parse: timeout,
  },
  {
    key: 'dpAuth',
    flag: '--dp-auth',
    env: 'KOGUMA_DP_AUTH',
    description:
      'How proxies prove which dataplane they are: dpToken (a dataplane token on /bootstrap and every xDS stream) or none (anyone reaching the DP server may be any dataplane: local development only)',
    default: () => 'dpToken',
    parse: oneOf<DpAuthMode>(['dpToken', 'none']),
  },
  {
    key: 'store',
    flag: '--store',
    env: 'KOGUMA_STORE',
    description:
      'Where resources are kept: pglite (embedded, persisted to --data-dir), postgres, or memory (lost on exit)',
    default: () => 'pglite',
    parse: oneOf<StoreType>(['memory', 'pglite', 'postgres']),
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'KOGUMA_DATA_DIR',
    description:
      'Directory of the embedded store, the user-token signing key, the admin token and the generated DP server certificates (all stores)',
    default: () => join(homedir(), '.koguma', 'data'),
    parse: text,
  },
  {
    key: 'postgresUrl',
    flag: '--postgres-url',
    env: 'KOGUMA_POSTGRES_URL',
    description: 'PostgreSQL connection URL, for --store postgres',
    default: () => '',
    parse: text,
  },
  {
    key: 'bodyLimitBytes',
    flag: '--api-body-limit',
    env: 'KOGUMA_API_BODY_LIMIT',
    description: 'Largest request body the API accepts, in bytes',
    default: () => 1024 * 1024,
    parse: positiveInteger,
  },
  {
    key: 'localhostIsAdmin',
    flag: '--localhost-is-admin',
    env: 'KOGUMA_LOCALHOST_IS_ADMIN',
    description:
      'Treat REST API clients on a loopback address as administrators without a token (turn off behind a local reverse proxy)',
    default: () => true,
    parse: boolean,
  },
  {
    key: 'apiReadOnly',
    flag: '--api-read-only',
    env: 'KOGUMA_API_READ_ONLY',
    description: 'Refuse every REST API write (PUT, POST, DELETE) with 405',
    default: () => false,
    parse: boolean,
  },
  {
    key: 'apiCorsAllowedOrigins',
    flag: '--api-cors-allowed-origins',
    env: 'KOGUMA_API_CORS_ALLOWED_ORIGINS',
    description:
      'Comma-separated origins (e.g. http://localhost:8080) whose browser pages may call the REST API (CORS); none by default',
    default: () => [],
    parse: origins,
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'KOGUMA_LOG_LEVEL',
    description: 'Log level',
    default: () => 'info',
    parse: oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  {
    key: 'logFormat',
    flag: '--log-format',
    env: 'KOGUMA_LOG_FORMAT',
    description:
      'Log lines as JSON (one object per line, for collectors) or as text for a person; by default text on a terminal, else JSON',
    // The log goes to stdout: a person reads it when stdout is a terminal.
    default: () => (process.stdout.isTTY ? 'text' : 'json'),
    parse: oneOf<LogFormat>(['json', 'text']),
  },
  {
    key: 'instanceId',
    flag: '--instance-id',
    env: 'KOGUMA_INSTANCE_ID',
    description: 'Name of this control-plane instance',
    default: () => `${hostname()}-${process.pid}`,
    parse: text,
  },
];

/**
 * Resolves the configuration: a flag beats an environment variable, which
 * beats the default. Raw values are strings as they come from either source.
 * Throws InvalidInput naming the flag or variable of each bad value.
 */
export function resolveConfig(
  flags: Partial<Record<keyof ControlPlaneConfig, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ControlPlaneConfig {
  const resolved: Record<string, unknown> = {};
  const issues: { field: string; reason: string }[] = [];
  for (const setting of settings) {
    const fromFlag = flags[setting.key];
    const fromEnv = env[setting.env];
    const [raw, source] =
      fromFlag !== undefined
        ? [fromFlag, setting.flag]
        : fromEnv !== undefined
          ? [fromEnv, setting.env]
          : [undefined, ''];
    if (raw === undefined) {
      resolved[setting.key] = setting.default();
      continue;
    }
    try {
      resolved[setting.key] = setting.parse(raw);
    } catch (error) {
      issues.push({ field: source, reason: (error as Error).message });
    }
  }
  const config = resolved as unknown as ControlPlaneConfig;
  if (issues.length === 0 && config.store === 'postgres' && config.postgresUrl === '')
    issues.push({ field: '--postgres-url', reason: 'is required with --store postgres' });
  if (issues.length === 0) issues.push(...tlsFileIssues(config));
  if (issues.length > 0) throw new KogumaError('InvalidInput', 'invalid control-plane configuration', issues);
  return config;
}

/** The DP server's certificate files come as a pair, and only where there is TLS to serve them. */
function tlsFileIssues(config: ControlPlaneConfig): { field: string; reason: string }[] {
  const [cert, key] = [config.tlsCertFile !== '', config.tlsKeyFile !== ''];
  if (!cert && !key) return [];
  if (!config.xdsTls)
    return [{ field: cert ? '--tls-cert-file' : '--tls-key-file', reason: 'has no use with --xds-tls false' }];
  if (cert && !key) return [{ field: '--tls-key-file', reason: 'is required with --tls-cert-file' }];
  if (key && !cert) return [{ field: '--tls-cert-file', reason: 'is required with --tls-key-file' }];
  return [];
}

/** The configuration as `GET /config` shows it: secrets in URLs masked, and Kuma's keys beside Koguma's. */
export function publicConfig(config: ControlPlaneConfig): Record<string, unknown> {
  let postgresUrl = config.postgresUrl;
  if (postgresUrl !== '') {
    try {
      const url = new URL(postgresUrl);
      if (url.password !== '') url.password = '***';
      postgresUrl = url.toString();
    } catch {
      postgresUrl = '***';
    }
  }
  return {
    ...config,
    postgresUrl,
    // The keys a Kuma tool reads of Kuma's own configuration: one zone, named `default`, or the global control plane, on
    // Universal.
    environment: 'universal',
    multizone: config.mode === 'zone' ? { zone: { name: 'default' } } : { global: {} },
    apiServer: {
      http: { interface: config.apiAddress, port: config.apiPort },
      corsAllowedDomains: config.apiCorsAllowedOrigins,
    },
  };
}
