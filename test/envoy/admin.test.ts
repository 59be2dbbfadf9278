/**
 * Envoy's admin API through the control plane, against a real control plane
 * (dataplane tokens on, loopback callers not administrators) and a real
 * Envoy sidecar under `koguma dp run`, whose agent keeps the admin channel
 * open to the DP server:
 *
 *   REST GET .../dataplanes/web-1/{xds,stats,clusters} ─► CP ─► admin channel ─► agent ─► Envoy admin API
 *   koguma inspect dataplane web-1 --type config-dump|stats|clusters ─► the same
 *
 * What comes back must be this Envoy's own output (its node id, the versions
 * the control plane says it sent, its inbound endpoint), without the
 * dataplane token or private keys; errors come in Kuma's body.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/harness.js';
import { envoyTestOptions } from '../support/envoy.js';
import { envoyPid, startSidecar, waitForEnvoy, type Sidecar } from '../support/envoy-sidecar.js';
import {
  cleanUp,
  freePort,
  scratchDir,
  startControlPlane,
  waitFor,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

let cp: ControlPlaneProcess;
let adminToken: string;
let dataplaneToken: string;
let web: Sidecar;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** A REST call, as an administrator (`admin: true`) or anonymously. */
async function call(method: string, path: string, options: { admin?: boolean; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.admin === true) headers['authorization'] = `Bearer ${adminToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

const admin = (path: string) => call('GET', path, { admin: true });

/** The CLI against the control plane, as an administrator unless told otherwise. */
const koguma = (args: readonly string[], asAdmin = true) =>
  runCli(['--api-url', cp.apiUrl, ...(asAdmin ? ['--api-token', adminToken] : []), 'inspect', 'dataplane', ...args]);

interface ConfigDump {
  configs: { '@type': string; [key: string]: unknown }[];
}
const section = (dump: ConfigDump, type: string) =>
  dump.configs.find((config) => config['@type'] === `type.googleapis.com/envoy.admin.v3.${type}`) as any;

/** The CDS version the control plane says web-1 ACKed last. */
async function ackedClusterVersion(): Promise<string> {
  const overview = JSON.parse((await admin('/meshes/default/dataplanes/web-1/_overview')).text);
  return overview.dataplaneInsight.subscriptions[0].status.cds.ackedVersion;
}

describe("a dataplane's Envoy admin API through the control plane", { ...envoyTestOptions(), timeout: 180_000 }, () => {
  before(async () => {
    const dataDir = await scratchDir();
    cp = await startControlPlane({ dataDir, extraArgs: ['--dp-auth', 'dpToken', '--localhost-is-admin', 'false'] });
    adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    const mesh = await call('PUT', '/meshes/default', {
      admin: true,
      body: {
        type: 'Mesh',
        name: 'default',
        mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
      },
    });
    assert.equal(mesh.status, 200, mesh.text);
    const token = await call('POST', '/tokens/dataplane', {
      admin: true,
      body: { name: 'web-1', mesh: 'default', validFor: '1h' },
    });
    assert.equal(token.status, 200, token.text);
    dataplaneToken = token.text.trim();
    web = await startSidecar(cp, {
      name: 'web-1',
      inbound: [{ service: 'web', servicePort: await freePort() }],
      outbound: ['web'],
      // A long restart backoff: the last test reads the admin API while Envoy is down.
      extraArgs: ['--dataplane-token', dataplaneToken, '--restart-backoff', '10s'],
    });
    await waitForEnvoy(web, {
      listeners: [`inbound:127.0.0.1:${web.inboundPorts[0]}`],
      endpoints: { web: [`127.0.0.1:${web.inboundPorts[0]}`] },
    });
    await waitFor(
      () => `the admin channel of web-1 (stderr: ${web.proc.stderr()})`,
      () => (web.proc.stderr().includes('admin channel open') ? true : undefined),
      20_000,
    );
  });

  after(cleanUp);

  test("GET .../xds is the config dump of the dataplane's Envoy, without its token or private keys", async () => {
    const answer = await admin('/meshes/default/dataplanes/web-1/xds');
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.contentType, /^application\/json/);
    const dump = JSON.parse(answer.text) as ConfigDump;
    assert.equal(section(dump, 'BootstrapConfigDump').bootstrap.node.id, 'default.web-1');
    const listeners = section(dump, 'ListenersConfigDump').dynamic_listeners.map((l: { name: string }) => l.name);
    assert.ok(listeners.includes(`inbound:127.0.0.1:${web.inboundPorts[0]}`), JSON.stringify(listeners));
    assert.equal(section(dump, 'EndpointsConfigDump'), undefined, 'no endpoints unless asked for');

    assert.ok(!answer.text.includes(dataplaneToken), 'the dataplane token is not in the dump');
    const ads = section(dump, 'BootstrapConfigDump').bootstrap.dynamic_resources.ads_config.grpc_services[0];
    assert.deepEqual(ads.initial_metadata, [{ key: 'authorization', value: 'Bearer [redacted]' }]);
    const secrets = section(dump, 'SecretsConfigDump').dynamic_active_secrets;
    const identity = secrets.find((s: { name: string }) => s.name === 'identity_cert:secret:default');
    assert.ok(identity, 'the mesh certificate is there');
    assert.equal(
      Buffer.from(identity.secret.tls_certificate.private_key.inline_bytes, 'base64').toString(),
      '[redacted]',
      'Envoy redacts the private key',
    );
    assert.ok(!answer.text.includes('PRIVATE KEY'));
  });

  test('GET .../xds?include_eds=true adds the endpoints Envoy holds', async () => {
    const dump = JSON.parse((await admin('/meshes/default/dataplanes/web-1/xds?include_eds=true')).text) as ConfigDump;
    const endpoints = section(dump, 'EndpointsConfigDump').dynamic_endpoint_configs;
    const web1 = endpoints.find(
      (e: { endpoint_config: { cluster_name: string } }) => e.endpoint_config.cluster_name === 'web',
    );
    assert.equal(
      web1.endpoint_config.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value,
      web.inboundPorts[0],
    );
  });

  test('GET .../stats is Envoy text stats, which anyone may read; ?format=json gives them as JSON', async () => {
    const stats = await call('GET', '/meshes/default/dataplanes/web-1/stats');
    assert.equal(stats.status, 200, stats.text);
    assert.match(stats.contentType, /^text\/plain/);
    assert.match(stats.text, /^server\.live: 1$/m);
    assert.ok(
      stats.text.includes(`cluster_manager.cds.version_text: "${await ackedClusterVersion()}"`),
      'the CDS version the control plane saw ACKed',
    );
    const json = await call('GET', '/meshes/default/dataplanes/web-1/stats?format=json');
    assert.match(json.contentType, /^application\/json/);
    const live = (JSON.parse(json.text) as { stats: { name: string; value: unknown }[] }).stats.find(
      (s) => s.name === 'server.live',
    );
    assert.equal(live?.value, 1);
  });

  test("GET .../clusters is Envoy's cluster status, endpoints included", async () => {
    const clusters = await call('GET', '/meshes/default/dataplanes/web-1/clusters');
    assert.equal(clusters.status, 200, clusters.text);
    assert.match(clusters.contentType, /^text\/plain/);
    assert.match(
      clusters.text,
      new RegExp(`^web::127\\.0\\.0\\.1:${web.inboundPorts[0]}::health_flags::healthy$`, 'm'),
    );
    const json = JSON.parse((await call('GET', '/meshes/default/dataplanes/web-1/clusters?format=json')).text) as {
      cluster_statuses: { name: string }[];
    };
    assert.ok(json.cluster_statuses.some((c) => c.name === 'web'));
  });

  test('stats through the control plane show a change of every cluster applied without Envoy waiting out its EDS fetch timeout', async () => {
    // Regression: Envoy warms a changed cluster until it receives its endpoints; they were not resent, so it waited 15 s.
    const before = await ackedClusterVersion();
    const policy = await call('PUT', '/meshes/default/meshtimeouts/a-connect-timeout', {
      admin: true,
      body: {
        type: 'MeshTimeout',
        mesh: 'default',
        name: 'a-connect-timeout',
        spec: {
          targetRef: { kind: 'Mesh' },
          to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '3s' } }],
        },
      },
    });
    assert.equal(policy.status, 201, policy.text);
    try {
      const after = await waitFor(
        'web-1 to ACK the new clusters',
        async () => {
          const version = await ackedClusterVersion();
          return version !== before ? version : undefined;
        },
        30_000,
      );
      const stats = (await admin('/meshes/default/dataplanes/web-1/stats')).text;
      assert.ok(stats.includes(`cluster_manager.cds.version_text: "${after}"`), 'Envoy runs the new clusters');
      assert.match(stats, /^cluster_manager\.warming_clusters: 0$/m);
      assert.match(
        stats,
        /^cluster\.web\.init_fetch_timeout: 0$/m,
        'the endpoints came without waiting for the fetch timeout',
      );
      assert.match(stats, /^cluster\.web\.membership_total: 1$/m);
    } finally {
      assert.equal(
        (await call('DELETE', '/meshes/default/meshtimeouts/a-connect-timeout', { admin: true })).status,
        200,
      );
    }
  });

  test('the config dump is refused to a caller who is not an administrator; errors come in the Kuma body', async () => {
    const anonymous = await call('GET', '/meshes/default/dataplanes/web-1/xds');
    assert.equal(anonymous.status, 403);
    const refusal = JSON.parse(anonymous.text);
    assert.equal(refusal.type, '/std-errors');
    assert.equal(refusal.title, 'Forbidden');
    assert.match(
      refusal.detail,
      /^a dataplane's Envoy config dump can be read by an administrator only; an anonymous client at .* is not one/,
    );

    const missing = await call('GET', '/meshes/default/dataplanes/nobody/stats');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), {
      type: '/std-errors',
      status: 404,
      title: 'Not found',
      detail: 'Dataplane "nobody" in mesh "default" not found',
      details: 'Dataplane "nobody" in mesh "default" not found',
    });
    const badQuery = await admin('/meshes/default/dataplanes/web-1/xds?include_eds=maybe');
    assert.equal(badQuery.status, 400);
    assert.deepEqual(JSON.parse(badQuery.text).invalid_parameters, [
      { field: 'include_eds', reason: 'must be true or false' },
    ]);
  });

  test('a dataplane whose agent is not connected answers 503, and says why', async () => {
    const ghost = await call('PUT', '/meshes/default/dataplanes/ghost-1', {
      admin: true,
      body: {
        type: 'Dataplane',
        mesh: 'default',
        name: 'ghost-1',
        networking: { address: '127.0.0.1', inbound: [{ port: 1, tags: { 'kuma.io/service': 'ghost' } }] },
      },
    });
    assert.equal(ghost.status, 201, ghost.text);
    const why =
      'dataplane default/ghost-1 has no admin channel to this control-plane instance: its agent (koguma dp run) is not running, cannot reach the control plane, or is connected to another instance';
    for (const path of ['xds', 'stats', 'clusters']) {
      const answer = await admin(`/meshes/default/dataplanes/ghost-1/${path}`);
      assert.equal(answer.status, 503, path);
      assert.deepEqual(JSON.parse(answer.text), {
        type: '/std-errors',
        status: 503,
        title: 'Unavailable',
        detail: why,
        details: why,
      });
    }
  });

  test('koguma inspect dataplane --type config-dump|stats|clusters prints what Envoy printed', async () => {
    const [dump, stats, clusters, refused, ghost, misused] = await Promise.all([
      koguma(['web-1', '--type', 'config-dump', '--include-eds']),
      koguma(['web-1', '--type', 'stats']),
      koguma(['web-1', '--type', 'clusters']),
      koguma(['web-1', '--type', 'config-dump'], false),
      koguma(['ghost-1', '--type', 'stats']),
      koguma(['web-1', '--type', 'stats', '--include-eds']),
    ]);
    assert.equal(dump.code, 0, dump.stderr);
    const parsed = JSON.parse(dump.stdout) as ConfigDump;
    assert.equal(section(parsed, 'BootstrapConfigDump').bootstrap.node.id, 'default.web-1');
    assert.ok(section(parsed, 'EndpointsConfigDump'), '--include-eds asks for the endpoints');
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^server\.live: 1$/m);
    assert.match(clusters.stdout, new RegExp(`^web::127\\.0\\.0\\.1:${web.inboundPorts[0]}::`, 'm'));

    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^Error: Forbidden: a dataplane's Envoy config dump can be read by an administrator only/,
    );
    assert.equal(ghost.code, 1);
    assert.match(
      ghost.stderr,
      /^Error: Unavailable: dataplane default\/ghost-1 has no admin channel to this control-plane instance/,
    );
    assert.equal(misused.stderr, 'Error: --include-eds can be used only with --type config-dump\n');
  });

  test('while Envoy is down the agent says so (503); once it is back, its new output comes through', async () => {
    const pid = envoyPid(web);
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGKILL');
    const down = await waitFor('a 503 while Envoy is down', async () => {
      const answer = await admin('/meshes/default/dataplanes/web-1/stats');
      return answer.status === 503 ? answer : undefined;
    });
    assert.match(
      JSON.parse(down.text).detail,
      /^the agent of dataplane default\/web-1 could not read Envoy's admin API: Envoy's admin API on 127\.0\.0\.1:\d+ does not answer: /,
    );
    await waitFor(
      () => `Envoy to be restarted (stderr: ${web.proc.stderr()})`,
      () => (envoyPid(web) !== pid ? true : undefined),
      30_000,
    );
    await waitForEnvoy(web, { listeners: [`inbound:127.0.0.1:${web.inboundPorts[0]}`] });
    const back = await admin('/meshes/default/dataplanes/web-1/stats');
    assert.equal(back.status, 200, back.text);
    assert.match(back.text, /^server\.live: 1$/m);
  });
});
