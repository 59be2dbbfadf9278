/**
 * `koguma dp run`: the data plane agent (src/dp/) as a command.
 *
 *   koguma dp run --mesh M --name N [--dataplane-file F --dataplane-var k=v ...] [--dataplane-token-file T] [--ca-cert-file C] [-- envoy args]
 *   koguma dp run --proxyless [--mesh M --name N] --dataplane-file F [--dataplane-var k=v ...] [--dataplane-token-file T] [--ca-cert-file C] -- CMD ARGS...
 *
 * Each setting is a flag and a KOGUMA_DP_* variable (the flag wins). The
 * options that say which dataplane and which control plane are shared with
 * `koguma generate grpc-bootstrap` (generate.ts), so both read them alike.
 * The command exits with the status of what it ran (Envoy, or the app).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_CP_ADDRESS,
  DpError,
  dpLog,
  durationParser,
  parseCpAddress,
  parsePort,
  parseTemplateVars,
  readCpTrust,
  readDataplaneToken,
  runEnvoy,
  runProxyless,
  type CpAddress,
  type DpLogFormat,
  type ProxylessInput,
  type XdsTransport,
} from '../../dp/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';

/** An argParser from a parser that throws a plain Error, so commander names the flag or variable. */
const checked =
  <T>(parse: (raw: string) => T) =>
  (raw: string): T => {
    try {
      return parse(raw);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Values of the options of `dataplaneOptions`. */
export interface DataplaneOptionValues {
  readonly mesh?: string;
  readonly name?: string;
  readonly dataplaneFile?: string;
  readonly dataplaneVar?: string[];
  readonly cpAddress: CpAddress;
  readonly localityZone?: string;
}

/** Which dataplane, and which control plane: shared by `dp run` and `generate grpc-bootstrap`. */
export function dataplaneOptions(): Option[] {
  return [
    new Option('--mesh <mesh>', 'mesh of the dataplane (taken from --dataplane-file when it has one)').env(
      'KOGUMA_DP_MESH',
    ),
    new Option('--name <name>', 'name of the dataplane (taken from --dataplane-file when it has one)').env(
      'KOGUMA_DP_NAME',
    ),
    new Option(
      '--dataplane-file <path>',
      'the Dataplane (YAML or JSON, may hold {{ variables }}); without it the Dataplane must exist in the control plane',
    ).env('KOGUMA_DP_DATAPLANE_FILE'),
    new Option('--dataplane-var <key=value>', 'value of a {{ key }} in --dataplane-file (repeatable)').argParser(
      collect,
    ),
    new Option('--cp-address <url>', "URL of the control plane's DP server (xDS and /bootstrap)")
      .env('KOGUMA_DP_CP_ADDRESS')
      .argParser(checked(parseCpAddress))
      .default(parseCpAddress(DEFAULT_CP_ADDRESS), DEFAULT_CP_ADDRESS),
    new Option('--locality-zone <zone>', 'zone of the node locality (proxyless gRPC bootstrap)').env(
      'KOGUMA_DP_LOCALITY_ZONE',
    ),
  ];
}

/** The dataplane options as the agent takes them. */
export function proxylessInputOf(values: DataplaneOptionValues): ProxylessInput {
  return {
    identity: {
      ...(values.mesh === undefined ? {} : { mesh: values.mesh }),
      ...(values.name === undefined ? {} : { name: values.name }),
    },
    ...(values.dataplaneFile === undefined ? {} : { dataplaneFile: values.dataplaneFile }),
    vars: parseTemplateVars(values.dataplaneVar ?? []),
    cpAddress: values.cpAddress,
    ...(values.localityZone === undefined ? {} : { zone: values.localityZone }),
  };
}

/** A DpError as the CLI prints it; anything else as it is. */
export function asCliError(error: unknown): unknown {
  return error instanceof DpError ? new CliError(error.message, error.details) : error;
}

interface RunValues extends DataplaneOptionValues {
  readonly proxyless?: boolean;
  readonly envoyPath?: string;
  /** Kuma's name for --envoy-path. */
  readonly binaryPath?: string;
  readonly workdir?: string;
  readonly adminPort?: number;
  readonly dataplaneToken?: string;
  readonly dataplaneTokenFile?: string;
  readonly caCertFile?: string;
  readonly envoyLogLevel?: string;
  readonly drainTime: number;
  readonly bootstrapTimeout: number;
  readonly restartBackoff: number;
  readonly restartBackoffMax: number;
  readonly envoyStartTimeout: number;
  readonly xdsTransport?: XdsTransport;
  readonly logFormat: DpLogFormat;
}

/** Options of Envoy mode only; given on the command line with --proxyless they are a mistake. */
const envoyOnly = [
  'envoyPath',
  'binaryPath',
  'workdir',
  'adminPort',
  'envoyLogLevel',
  'bootstrapTimeout',
  'restartBackoff',
  'restartBackoffMax',
  'envoyStartTimeout',
  'xdsTransport',
] as const;

/** The dataplane token, for both modes: sent with the bootstrap (Envoy) or presented by the xDS relay (proxyless). */
function tokenOptions(): Option[] {
  return [
    new Option(
      '--dataplane-token <token>',
      'the dataplane token (koguma generate dataplane-token); prefer --dataplane-token-file, which other users cannot see in the process list',
    ).env('KOGUMA_DP_DATAPLANE_TOKEN'),
    new Option('--dataplane-token-file <path>', 'file holding the dataplane token').env(
      'KOGUMA_DP_DATAPLANE_TOKEN_FILE',
    ),
  ];
}

/** How the agent trusts the control plane, for both modes: the bootstrap request and Envoy (Envoy mode), the xDS relay (proxyless). */
function trustOptions(): Option[] {
  return [
    new Option(
      '--ca-cert-file <path>',
      "CA that signs the DP server's certificate, required with an https:// --cp-address (koguma cp run: <data-dir>/tls/ca.crt)",
    ).env('KOGUMA_DP_CA_CERT_FILE'),
  ];
}

/** The duration parser, loaded by the `dp` command's preSubcommand hook before `run` parses its options. */
let parseDurationFlag: ((raw: string) => number) | undefined;

/** How the agent writes its own lines (stderr): for a person on a terminal, else for a collector. */
function logOptions(): Option[] {
  return [
    new Option(
      '--log-format <format>',
      "the agent's log lines: text, or json (one object per line); default: text when stderr is a terminal, else json",
    )
      .env('KOGUMA_LOG_FORMAT')
      .choices(['json', 'text'])
      .default(process.stderr.isTTY ? 'text' : 'json'),
  ];
}

function envoyOptions(): Option[] {
  const duration = checked((raw) => parseDurationFlag!(raw));
  return [
    new Option('--proxyless', 'run a proxyless gRPC application (the command after --) instead of Envoy'),
    new Option(
      '--envoy-path <path>',
      'the Envoy binary: a file, or a name looked up in PATH (default: envoy in PATH, then .envoy/bin/envoy of this Koguma)',
    ).env('KOGUMA_DP_ENVOY_PATH'),
    new Option('--binary-path <path>', "the same as --envoy-path (kuma-dp's name for it)").env('KOGUMA_DP_BINARY_PATH'),
    new Option(
      '--workdir <dir>',
      'where bootstrap.yaml is written (default: a new temporary directory, removed on exit)',
    ).env('KOGUMA_DP_WORKDIR'),
    new Option('--admin-port <port>', "port of Envoy's admin API, sent to the control plane with the bootstrap request")
      .env('KOGUMA_DP_ADMIN_PORT')
      .argParser(checked(parsePort)),
    new Option('--envoy-log-level <level>', "Envoy's --log-level").env('KOGUMA_DP_ENVOY_LOG_LEVEL'),
    new Option(
      '--drain-time <duration>',
      "Envoy's --drain-time-s; a stopped Envoy (or app) gets this plus 5s to exit before it is killed",
    )
      .env('KOGUMA_DP_DRAIN_TIME')
      .argParser(duration)
      .default(30_000, '30s'),
    new Option(
      '--bootstrap-timeout <duration>',
      'how long to keep retrying the bootstrap while the control plane cannot answer',
    )
      .env('KOGUMA_DP_BOOTSTRAP_TIMEOUT')
      .argParser(duration)
      .default(300_000, '5m'),
    new Option(
      '--restart-backoff <duration>',
      'first wait before restarting an Envoy that exited on its own (doubles per quick exit)',
    )
      .env('KOGUMA_DP_RESTART_BACKOFF')
      .argParser(duration)
      .default(1_000, '1s'),
    new Option('--restart-backoff-max <duration>', 'longest wait between restarts; a run this long resets the backoff')
      .env('KOGUMA_DP_RESTART_BACKOFF_MAX')
      .argParser(duration)
      .default(30_000, '30s'),
    new Option(
      '--envoy-start-timeout <duration>',
      'how long a started Envoy has to bring its admin API up before it is killed and restarted (0: no limit)',
    )
      .env('KOGUMA_DP_ENVOY_START_TIMEOUT')
      .argParser(duration)
      .default(30_000, '30s'),
    new Option(
      '--xds-transport <protocol>',
      "the xDS protocol Envoy speaks with the control plane: delta (incremental) or sotw (state of the world); default: the control plane's choice, delta",
    )
      .env('KOGUMA_DP_XDS_TRANSPORT')
      .choices(['delta', 'sotw']),
  ];
}

const ENVOY_PATH_FLAGS = {
  envoyPath: ['--envoy-path', 'KOGUMA_DP_ENVOY_PATH'],
  binaryPath: ['--binary-path', 'KOGUMA_DP_BINARY_PATH'],
} as const;

/** Where the option was set, as a person would name it: the flag, or its variable. */
function sourceName(command: Command, key: 'envoyPath' | 'binaryPath'): string {
  const [flag, variable] = ENVOY_PATH_FLAGS[key];
  return command.getOptionValueSource(key) === 'env' ? variable : flag;
}

/** The Envoy binary asked for by --envoy-path or its alias --binary-path, and the name it was given by; both at once must agree. */
function envoyPathOf(values: RunValues, command: Command): { path: string; flag: string } | undefined {
  const { envoyPath, binaryPath } = values;
  if (envoyPath !== undefined && binaryPath !== undefined && envoyPath !== binaryPath)
    throw new CliError(
      `${sourceName(command, 'envoyPath')} ${envoyPath} and ${sourceName(command, 'binaryPath')} ${binaryPath} name different Envoy binaries: give one (--binary-path is an alias of --envoy-path)`,
    );
  if (envoyPath !== undefined) return { path: envoyPath, flag: ENVOY_PATH_FLAGS.envoyPath[0] };
  if (binaryPath !== undefined) return { path: binaryPath, flag: ENVOY_PATH_FLAGS.binaryPath[0] };
  return undefined;
}

async function runAgent(words: string[], values: RunValues, command: Command, context: CliContext): Promise<number> {
  const token = await readDataplaneToken(values);
  const input = { ...proxylessInputOf(values), ...(token === undefined ? {} : { dataplaneToken: token }) };
  const caCert = await readCpTrust(values.cpAddress, values.caCertFile);
  const log = dpLog(values.logFormat, context.err);
  if (values.proxyless === true) {
    const misplaced = envoyOnly.filter((key) => command.getOptionValueSource(key) === 'cli');
    if (misplaced.length > 0)
      throw new CliError(
        `${misplaced.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}: Envoy-mode options, not for --proxyless`,
      );
    return runProxyless({
      ...input,
      command: words,
      drainTimeMs: values.drainTime,
      ...(caCert === undefined ? {} : { caCert }),
      log,
    });
  }
  if (values.restartBackoff > values.restartBackoffMax)
    throw new CliError('--restart-backoff must not be longer than --restart-backoff-max');
  const envoy = envoyPathOf(values, command);
  return runEnvoy({
    identity: input.identity,
    ...(input.dataplaneFile === undefined ? {} : { dataplaneFile: input.dataplaneFile }),
    vars: input.vars,
    cpAddress: input.cpAddress,
    ...(caCert === undefined ? {} : { caCert }),
    ...(token === undefined ? {} : { dataplaneToken: token }),
    ...(envoy === undefined ? {} : { envoyPath: envoy.path, envoyPathFlag: envoy.flag }),
    ...(values.workdir === undefined ? {} : { workdir: values.workdir }),
    ...(values.adminPort === undefined ? {} : { adminPort: values.adminPort }),
    ...(values.envoyLogLevel === undefined ? {} : { envoyLogLevel: values.envoyLogLevel }),
    extraArgs: words,
    drainTimeMs: values.drainTime,
    bootstrapTimeoutMs: values.bootstrapTimeout,
    restartBackoffMs: values.restartBackoff,
    restartBackoffMaxMs: values.restartBackoffMax,
    startTimeoutMs: values.envoyStartTimeout,
    ...(values.xdsTransport === undefined ? {} : { xdsTransport: values.xdsTransport }),
    log,
  });
}

export function dpCommand(context: CliContext): Command {
  const run = new Command('run')
    .description(
      'Run the data plane agent: fetch the bootstrap and run Envoy, or with --proxyless run a gRPC application with its xDS bootstrap',
    )
    .argument('[args...]', 'after --: extra Envoy arguments, or with --proxyless the application command');
  for (const option of [
    ...dataplaneOptions(),
    ...tokenOptions(),
    ...trustOptions(),
    ...logOptions(),
    ...envoyOptions(),
  ])
    run.addOption(option);
  run.action(async (words: string[], values: RunValues, command: Command) => {
    let status: number;
    try {
      status = await runAgent(words, values, command, context);
    } catch (error) {
      throw asCliError(error);
    }
    // The child has exited and every handler is gone; exit now rather than wait for idle sockets.
    process.exit(status);
  });
  return new Command('dp')
    .description('Data plane')
    .addCommand(run)
    .hook('preSubcommand', async () => {
      parseDurationFlag ??= await durationParser();
    });
}
