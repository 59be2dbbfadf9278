/**
 * Start-up: how long `koguma cp run` takes until its REST API answers, on a new
 * data dir, on an existing empty one and on one holding many dataplanes and
 * policies (PGlite, the default store); and how long a `koguma` CLI call takes.
 *
 *   node dist/bench/startup.js [--repeats 5] [--dataplanes 1000] [--policies 1000]
 *     [--cli-repeats 10] [--cli dist/src/cli/main.js] [--quiet-below 0.5] [--write-docs]
 *
 *   new data dir ×R ─► existing empty data dir ×R ─► load D dataplanes + P policies
 *     ─► restart on the loaded data dir ×R ─► CLI calls ×C against a running control plane
 *   start: spawn → first 200 from GET / (polled every 10 ms)
 *
 * `--cli` points at another build's dist/src/cli/main.js, to measure a build
 * before a change on the same machine. `--write-docs` puts the figures in
 * docs/benchmarks.md, between the start-up section's markers. Everything on
 * 127.0.0.1, every wait bounded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeDocsSection } from './docs-section.js';
import { nowMs } from './xds/clock.js';
import { startEmbeddedControlPlane, type EmbeddedControlPlane } from './xds/embedded-control-plane.js';
import { mixedPolicies } from './xds/policies.js';
import { loadAverage, waitForQuietMachine } from './xds/processes.js';
import { putAll } from './xds/rest.js';
import { ms, percentile } from './xds/stats.js';
import { buildTopology } from './xds/topology.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    dataplanes: { type: 'string', default: '1000' },
    policies: { type: 'string', default: '1000' },
    'cli-repeats': { type: 'string', default: '10' },
    cli: { type: 'string', default: fileURLToPath(new URL('../src/cli/main.js', import.meta.url)) },
    'quiet-below': { type: 'string', default: '0.5' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const cli = resolve(values.cli);
const repeats = Number(values.repeats);
const startTimeoutMs = 120_000;

/** `koguma cp run` of the build under test on `dataDir` until GET / answers 200. */
const startControlPlane = (dataDir: string): Promise<EmbeddedControlPlane> =>
  startEmbeddedControlPlane({ cli, dataDir, startTimeoutMs });

interface Spread {
  readonly p50: number;
  readonly min: number;
  readonly max: number;
}

function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

const scratch = (): string => mkdtempSync(join(tmpdir(), 'koguma-bench-startup-'));

/** Starts and stops `repeats` times on data dirs from `dataDirFor`; the start times. */
async function measureStarts(label: string, dataDirFor: (repeat: number) => string): Promise<Spread> {
  const samples: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const cp = await startControlPlane(dataDirFor(repeat));
    samples.push(cp.answeredMs);
    await cp.stop();
  }
  log(`  ${label}: ${samples.map((s) => ms(s)).join(', ')} ms`);
  return spread(samples);
}

/** Wall time of `koguma <args>` to exit, `count` times. */
async function measureCli(args: readonly string[], apiUrl: string, count: number): Promise<Spread> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = nowMs();
    const code = await new Promise<number | null>((resolveRun) => {
      const child = spawn(process.execPath, [cli, ...args], {
        stdio: 'ignore',
        env: { ...process.env, KOGUMA_API_URL: apiUrl },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolveRun(exitCode);
      });
    });
    // A build without the command (an older one, with --cli) gets no figure rather than a wrong one.
    if (code !== 0) {
      log(`  koguma ${args.join(' ')} exited ${code}: no figure`);
      return spread([]);
    }
    samples.push(nowMs() - started);
  }
  return spread(samples);
}

function loadedTopology(dataplanes: number): {
  dataplanes: ReturnType<typeof buildTopology>['dataplanes'];
  services: readonly string[];
} {
  // 100 services × 3 endpoints and 3 hub endpoints; the rest are clients.
  const topology = buildTopology({
    proxies: Math.max(0, dataplanes - 303),
    services: 100,
    endpointsPerService: 3,
    outboundsPerClient: 4,
    seed: 42,
  });
  return { dataplanes: topology.dataplanes.slice(0, dataplanes), services: topology.services };
}

const row = (label: string, s: Spread): string => `| ${label} | ${ms(s.p50)} | ${ms(s.min)} | ${ms(s.max)} |`;

async function main(): Promise<void> {
  const header = `startup: ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}, cli ${cli}`;
  log(header);
  const busy = await waitForQuietMachine(Number(values['quiet-below']), 300_000);
  const loadBefore = loadAverage();
  log(`machine busy ${(busy * 100).toFixed(0)}% before starting, load average ${loadBefore}`);
  const dirs: string[] = [];
  const dir = (): string => {
    const made = scratch();
    dirs.push(made);
    return made;
  };
  try {
    const fresh = await measureStarts('new data dir', () => join(dir(), 'data'));
    const emptyDir = dir();
    await (await startControlPlane(emptyDir)).stop();
    const existing = await measureStarts('existing empty data dir', () => emptyDir);

    const loadedDir = dir();
    const dataplaneCount = Number(values.dataplanes);
    const policyCount = Number(values.policies);
    const { dataplanes, services } = loadedTopology(dataplaneCount);
    const loader = await startControlPlane(loadedDir);
    const putDataplanesMs = await putAll(loader.apiUrl, dataplanes, 16);
    const putPoliciesMs = await putAll(loader.apiUrl, mixedPolicies(policyCount, services, 7), 16);
    await loader.stop();
    log(
      `  loaded ${dataplanes.length} dataplanes in ${ms(putDataplanesMs)} ms and ${policyCount} policies in ${ms(putPoliciesMs)} ms`,
    );
    const loaded = await measureStarts(`${dataplanes.length} dataplanes + ${policyCount} policies`, () => loadedDir);

    const cp = await startControlPlane(loadedDir);
    const cliCount = Number(values['cli-repeats']);
    const cliRows: [string, Spread][] = [];
    try {
      for (const args of [['--version'], ['version'], ['get', 'meshes'], ['get', 'meshtimeouts', '-m', 'default']]) {
        cliRows.push([`koguma ${args.join(' ')}`, await measureCli(args, cp.apiUrl, cliCount)]);
      }
    } finally {
      await cp.stop();
    }

    const table = [
      `| start of \`koguma cp run\` until GET / answers (ms, ${repeats} starts) | median | min | max |`,
      '|---|---|---|---|',
      row('new data dir', fresh),
      row('existing empty data dir', existing),
      row(`${dataplanes.length} dataplanes and ${policyCount} policies`, loaded),
      '',
      `| \`koguma\` call until exit (ms, ${cliCount} calls) | median | min | max |`,
      '|---|---|---|---|',
      ...cliRows.map(([label, summary]) => row(`\`${label}\``, summary)),
    ];
    const note = `${cpus().length} CPUs, node ${process.version}, load average ${loadBefore} before, ${loadAverage()} after; ${new Date().toISOString().slice(0, 10)}`;
    process.stdout.write(`${table.join('\n')}\n\n${note}\n`);
    if (values['write-docs']) await writeDocsSection('startup-bench', `${table.join('\n')}\n\n${note}\n`);
  } finally {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  }
}

await main();
