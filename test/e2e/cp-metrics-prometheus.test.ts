/**
 * The control plane's own metrics read by a real Prometheus: Debian's
 * `prometheus` (scripts/install-prometheus.mjs installs it), started by the
 * test on a free loopback port with a generated configuration that scrapes
 * `koguma cp run`'s `GET /metrics` every second, its storage in a scratch
 * folder. A raw ADS client connects as a proxyless dataplane; Prometheus's
 * HTTP API (`/api/v1/query`) must then answer one connected grpc proxy, and
 * the number of CDS responses the client received.
 *
 * Skipped, with the reason printed, where the binary is missing and could
 * not be installed (KOGUMA_PROMETHEUS names another binary).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import {
  cleanUp,
  freePort,
  scratchDir,
  startControlPlane,
  waitFor,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

const BINARY = process.env['KOGUMA_PROMETHEUS'] ?? '/usr/bin/prometheus';
const missing = existsSync(BINARY)
  ? undefined
  : `${BINARY} is missing (Debian: apt-get install prometheus, or run scripts/install-prometheus.mjs)`;
if (missing !== undefined) console.log(`# skipped: the Prometheus test, because ${missing}`);

const INSTANCE = 'metrics-prom-1';

let cp: ControlPlaneProcess;
let client: AdsClient | undefined;
let prometheus: ChildProcess | undefined;
let prometheusOutput = '';
let prometheusUrl = '';

interface QueryResult {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

async function query(expression: string): Promise<QueryResult[] | undefined> {
  try {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) return undefined;
    const body = (await response.json()) as { status: string; data: { result: QueryResult[] } };
    return body.status === 'success' ? body.data.result : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

before(async () => {
  if (missing !== undefined) return;
  cp = await startControlPlane({ instanceId: INSTANCE });
  client = startAdsClient({
    xdsUrl: cp.xdsUrl,
    ca: await readFile(cp.caCertFile, 'utf8'),
    nodeId: 'default.watched-1',
    dataplane: {
      type: 'Dataplane',
      mesh: 'default',
      name: 'watched-1',
      networking: {
        address: '127.0.0.1',
        inbound: [{ port: 40000, tags: { 'kuma.io/service': 'watched', 'kuma.io/protocol': 'grpc' } }],
      },
    },
    subscribe: [{ typeUrl: TypeUrl.Cluster }],
  });
  await waitFor(
    () => `clusters (stream failure: ${String(client!.failure())})`,
    () => (client!.ofType(TypeUrl.Cluster).length > 0 ? true : undefined),
  );
});

after(async () => {
  client?.close();
  if (prometheus !== undefined && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await cleanUp();
});

describe('control-plane metrics in a real Prometheus', { skip: missing }, () => {
  it('scrapes GET /metrics: one connected grpc proxy, the CDS responses the client received', async () => {
    const dir = await scratchDir();
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const target = new URL(cp.apiUrl).host;
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: koguma-control-plane',
      '    scrape_interval: 1s',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    const started = Date.now();
    prometheus = spawn(
      BINARY,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => (prometheusOutput = (prometheusOutput + chunk.toString()).slice(-20_000));
    prometheus.stdout!.on('data', keep);
    prometheus.stderr!.on('data', keep);

    const connected = await waitFor(
      () => `Prometheus to hold koguma_xds_connected_proxies (its output: ${prometheusOutput})`,
      async () => {
        if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${prometheusOutput}`);
        const result = await query(`koguma_xds_connected_proxies{type="grpc"}`);
        return result !== undefined && result.length > 0 ? result : undefined;
      },
      60_000,
    );
    console.log(`# Prometheus held the first koguma_ series ${Date.now() - started} ms after it was started`);
    assert.equal(connected.length, 1);
    assert.equal(
      connected[0]!.metric['cp_instance'],
      INSTANCE,
      'the control-plane instance (Prometheus keeps `instance` for the target)',
    );
    assert.equal(connected[0]!.metric['job'], 'koguma-control-plane');
    assert.equal(connected[0]!.value[1], '1');

    const cds = client!.ofType(TypeUrl.Cluster).length;
    const sent = await waitFor('the CDS response count', async () => {
      const result = await query(`koguma_xds_responses_sent_total{type="cds"}`);
      return result?.[0]?.value[1];
    });
    assert.equal(Number(sent), cds);
  });
});
