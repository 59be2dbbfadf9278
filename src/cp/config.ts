/**
 * Control-plane configuration: one table of settings, each with its default,
 * its `--flag` and its `KOGUMA_*` variable. `koguma cp run` builds its options
 * from this table and `GET /config` shows the resolved values, so the three can
 * never disagree.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../api/duration.js';
import { KogumaError } from '../api/errors.js';

export type StoreType = 'memory' | 'pglite' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ControlPlaneConfig {
  readonly apiAddress: string;
  readonly apiPort: number;
  readonly xdsAddress: string;
  readonly xdsPort: number;
  readonly xdsDebounceMs: number;
  readonly dataplaneRemovalDelayMs: number;
  readonly store: StoreType;
  readonly dataDir: string;
  readonly postgresUrl: string;
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
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

const text = (raw: string): string => {
  if (raw === '') throw new Error('must not be empty');
  return raw;
};

type AnySetting = { [K in keyof ControlPlaneConfig]: Setting<K> }[keyof ControlPlaneConfig];

export const settings: readonly AnySetting[] = [
  {
    key: 'apiAddress',
    flag: '--api-address',
    env: 'KOGUMA_API_ADDRESS',
    description: 'Address the REST API listens on (loopback until API authentication exists)',
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
    key: 'xdsDebounceMs',
    flag: '--xds-debounce',
    env: 'KOGUMA_XDS_DEBOUNCE',
    description: 'How long changes are collected before affected proxies are rebuilt',
    default: () => 10,
    parse: parseDuration,
  },
  {
    key: 'dataplaneRemovalDelayMs',
    flag: '--dataplane-removal-delay',
    env: 'KOGUMA_DATAPLANE_REMOVAL_DELAY',
    description: 'How long after its last stream ends a self-registered dataplane is removed',
    default: () => 30_000,
    parse: parseDuration,
  },
  {
    key: 'store',
    flag: '--store',
    env: 'KOGUMA_STORE',
    description: 'Where resources are kept: pglite (embedded, persisted to --data-dir), postgres, or memory (lost on exit)',
    default: () => 'pglite',
    parse: oneOf<StoreType>(['memory', 'pglite', 'postgres']),
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'KOGUMA_DATA_DIR',
    description: 'Directory of the embedded store',
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
    key: 'logLevel',
    flag: '--log-level',
    env: 'KOGUMA_LOG_LEVEL',
    description: 'Log level',
    default: () => 'info',
    parse: oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
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
      fromFlag !== undefined ? [fromFlag, setting.flag] : fromEnv !== undefined ? [fromEnv, setting.env] : [undefined, ''];
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
  if (issues.length > 0) throw new KogumaError('InvalidInput', 'invalid control-plane configuration', issues);
  return config;
}

/** The configuration as `GET /config` shows it: secrets in URLs masked. */
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
  return { ...config, postgresUrl };
}
