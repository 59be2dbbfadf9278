/**
 * xDS convergence: how fast a change made through the REST API reaches every
 * affected proxy, how much the control plane holds per connected proxy, and
 * how that compares with a server that does nothing but write bytes.
 *
 *   node dist/bench/xds-convergence.js [--proxies 1000,5000] [--services 100,1000]
 *     [--protocol sotw|delta|both] [--repeats 5] [--workers 2] [--connect-rate 1000] [--floor connect,raw|none] [--no-gzip]
 *     [--cpu-prof <dir>] [--json <file>] [--deadline-min 90] [--quiet-below 0.25]
 *
 * Method and results: docs/benchmarks.md. Everything runs on 127.0.0.1; the
 * control plane and the floor server are child processes started and
 * stopped here; every wait is bounded.
 *
 * The control plane runs its DP server without TLS (`--xds-tls false`, not
 * the default): the floor server is plaintext too, and the figures stay
 * comparable with those measured before TLS existed. What TLS adds is a
 * handshake per connection, measured apart by bench/dp-tls-handshake.ts.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { XdsProtocol } from './xds/ads-client.js';
import { nowMs } from './xds/clock.js';
import type { FloorTransport } from './xds/processes.js';
import { detailTable, legend, mainTable } from './xds/report.js';
import { runScenario, type ScenarioResult } from './xds/scenario.js';

const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '1000' },
    services: { type: 'string', default: '100' },
    protocol: { type: 'string', default: 'sotw' },
    repeats: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    'connect-rate': { type: 'string', default: '1000' },
    endpoints: { type: 'string', default: '3' },
    outbounds: { type: 'string', default: '4' },
    floor: { type: 'string', default: 'connect,raw' },
    'no-gzip': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    'deadline-min': { type: 'string', default: '90' },
    'quiet-below': { type: 'string', default: '0.25' },
  },
});

const list = (value: string): number[] =>
  value
    .split(',')
    .map((v) => Number.parseInt(v, 10))
    .filter((v) => v > 0);
const protocols: XdsProtocol[] =
  values.protocol === 'both' ? ['sotw', 'delta'] : values.protocol === 'delta' ? ['delta'] : ['sotw'];
const floors = values.floor.split(',').filter((f): f is FloorTransport => f === 'connect' || f === 'raw');
const deadline = nowMs() + Number(values['deadline-min']) * 60_000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  log(`xds-convergence: ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}`);
  const results: ScenarioResult[] = [];
  for (const proxies of list(values.proxies))
    for (const services of list(values.services))
      for (const protocol of protocols) {
        if (nowMs() > deadline) {
          log(`deadline reached: skipping N=${proxies} M=${services} ${protocol}`);
          continue;
        }
        try {
          results.push(
            await runScenario({
              proxies,
              services,
              protocol,
              repeats: Number(values.repeats),
              workers: Number(values.workers),
              connectRate: Number(values['connect-rate']),
              gzip: !values['no-gzip'],
              endpointsPerService: Number(values.endpoints),
              outboundsPerClient: Number(values.outbounds),
              floors,
              quietThreshold: Number(values['quiet-below']),
              ...(values['cpu-prof'] ? { cpuProfileDir: values['cpu-prof'] } : {}),
              log,
            }),
          );
        } catch (error) {
          log(
            `N=${proxies} M=${services} ${protocol} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  console.log(`${mainTable(results)}\n\n${detailTable(results)}\n\n${legend}`);
}

// Past the deadline by 15 minutes, something is stuck: stop (the children are killed on exit).
setTimeout(
  () => {
    log('xds-convergence: hard deadline passed; exiting');
    process.exit(3);
  },
  deadline - nowMs() + 15 * 60_000,
).unref();
process.on('SIGINT', () => process.exit(130));
await main();
process.exit(0);
