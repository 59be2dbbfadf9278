/**
 * One mesh, two data planes: Envoy sidecars and proxyless gRPC applications
 * call each other under mesh mTLS (builtin CA, STRICT) and
 * MeshTrafficPermission, every piece a real process on 127.0.0.1:
 *
 *   test's gRPC client ─► edge-1's Envoy (outbound) ══mTLS══► pl-backend-1 (proxyless XdsServer)
 *   caller-1 (proxyless client) ══mTLS══► greeter-1's Envoy (inbound) ─► greeter app (in this process)
 *
 * Each direction is allowed by its own MeshTrafficPermission, then denied by
 * it, then allowed again; what the calls got back is the assertion: the
 * name of whoever answered, or PERMISSION_DENIED (from grpc-js's RBAC on one
 * side, Envoy's on the other), and Envoy's TLS and RBAC counters.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { envoyTestOptions } from '../support/envoy.js';
import { adminGet, startSidecar, waitForEnvoy, type Sidecar } from '../support/envoy-sidecar.js';
import {
  callsStartedSince,
  kogumaApply,
  policyYaml,
  startPolicyBackend,
  startPolicyClient,
  tallyOf,
  type PolicyClient,
} from '../support/policy-e2e.js';
import { EXAMPLES } from '../support/proxyless-processes.js';
import { api, cleanUp, freePort, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'mixed';

interface WhoamiStub extends grpc.Client {
  Who(
    request: Buffer,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, reply?: Buffer) => void,
  ): void;
}
interface WhoamiModule {
  readonly whoamiService: grpc.UntypedServiceImplementation & grpc.ServiceDefinition;
  readonly WhoamiClient: new (target: string, credentials: grpc.ChannelCredentials) => WhoamiStub;
}

let whoami: WhoamiModule;
let cp: ControlPlaneProcess;
let edge: Sidecar;
let greeter: Sidecar;
let greeterServer: grpc.Server;
let greeterServed = 0;
let caller: PolicyClient;

/** The Whoami service of examples/proxyless/ behind greeter-1's Envoy, plaintext on loopback: Envoy does the mTLS. */
async function startGreeterApp(): Promise<number> {
  greeterServer = new grpc.Server();
  greeterServer.addService(whoami.whoamiService, {
    Who: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => {
      greeterServed++;
      callback(null, Buffer.from('greeter-app'));
    },
  });
  return new Promise((resolve, reject) =>
    greeterServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
}

/** One Who call through edge-1's outbound listener for pl-backend: who answered, or the gRPC status name. */
async function callThroughEdge(): Promise<string> {
  const client = new whoami.WhoamiClient(
    `127.0.0.1:${edge.outboundPorts['pl-backend']}`,
    grpc.credentials.createInsecure(),
  );
  try {
    return await new Promise<string>((resolve) =>
      client.Who(Buffer.alloc(0), { deadline: Date.now() + 5_000 }, (error, reply) =>
        resolve(error ? `failed (${grpc.status[error.code]})` : String(reply)),
      ),
    );
  } finally {
    client.close();
  }
}

/** `n` calls through edge-1, one after the other, tallied by outcome. */
async function edgeCalls(n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const outcome = await callThroughEdge();
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** The sum of Envoy counters whose name starts with `prefix` and ends with `suffix` (admin /stats). */
async function envoyStat(sidecar: Sidecar, prefix: string, suffix = ''): Promise<number> {
  const answer = await adminGet(sidecar, `/stats?filter=${encodeURIComponent(`^${prefix.replace(/\./g, '\\.')}`)}`);
  assert.equal(answer?.status, 200, `${sidecar.name}'s admin API answers /stats`);
  let sum = 0;
  for (const line of answer!.body.split('\n')) {
    const [name, value] = line.split(': ');
    if (name !== undefined && name.startsWith(prefix) && name.endsWith(suffix) && value !== undefined)
      sum += Number(value);
  }
  return sum;
}

const permission = (name: string, target: string, from: string, action: 'Allow' | 'Deny'): string =>
  policyYaml(
    MESH,
    'MeshTrafficPermission',
    name,
    `  targetRef: {kind: MeshService, name: ${target}}\n  from:\n    - targetRef: {kind: MeshService, name: ${from}}\n      default: {action: ${action}}\n`,
  );

/** The xDS versions the control plane serves `proxy` now, per type that has resources. */
async function servedVersions(proxy: string): Promise<Record<string, string> | undefined> {
  const config = await api(cp, 'GET', `/meshes/${MESH}/dataplanes/${proxy}/_config?format=koguma`);
  if (config.status !== 200 || config.body.built !== true) return undefined;
  const versions: Record<string, string> = {};
  for (const [type, served] of Object.entries(
    config.body.xds as Record<string, { version: string; resources: unknown[] }>,
  )) {
    if (served.resources.length > 0) versions[type] = served.version;
  }
  return versions;
}

/**
 * Waits until `proxy` was served versions other than `before` and ACKed each
 * changed type on one of its streams (a proxyless app's own stream takes no
 * certificates: its agent fetches those on another).
 */
async function waitForChangeAcked(proxy: string, before: Record<string, string>): Promise<void> {
  let last = '';
  await waitFor(
    () => `${proxy} to ACK a configuration newer than ${JSON.stringify(before)} (last: ${last})`,
    async () => {
      const served = await servedVersions(proxy);
      const overview = await api(cp, 'GET', `/meshes/${MESH}/dataplanes/${proxy}/_overview`);
      const subscriptions = (overview.body?.dataplaneInsight?.subscriptions ?? []) as {
        status: Record<string, { ackedVersion?: string; lastNack?: { version: string; error: string } }>;
      }[];
      last = JSON.stringify({ served, subscriptions });
      const changed = Object.entries(served ?? {}).filter(([type, version]) => before[type] !== version);
      if (changed.length === 0) return undefined;
      for (const [type, version] of changed) {
        const states = subscriptions.map((s) => s.status[type.toLowerCase()]);
        const nack = states.find((state) => state?.lastNack?.version === version);
        if (nack) throw new Error(`${proxy} rejected its ${type}: ${nack.lastNack!.error}`);
        if (!states.some((state) => state?.ackedVersion === version)) return undefined;
      }
      return true;
    },
    20_000,
  );
}

/**
 * Applies the permission `name` (on `target`, from `from`) and resolves, with
 * the time, once `proxy` (the one serving `target`) ACKed what it produced:
 * calls started after that meet it.
 */
async function permit(
  name: string,
  target: string,
  from: string,
  action: 'Allow' | 'Deny',
  proxy: string,
): Promise<number> {
  const before = await waitFor(`${proxy}'s configuration`, () => servedVersions(proxy), 20_000);
  await kogumaApply(cp, permission(name, target, from, action));
  await waitForChangeAcked(proxy, before);
  return Date.now();
}

const permitEdge = (action: 'Allow' | 'Deny') =>
  permit('pl-backend-callers', 'pl-backend', 'edge', action, 'pl-backend-1');
const permitCaller = (action: 'Allow' | 'Deny') => permit('greeter-callers', 'greeter', 'caller', action, 'greeter-1');

describe(
  'one mesh, Envoy sidecars and proxyless gRPC, under mTLS and MeshTrafficPermission',
  { ...envoyTestOptions(), timeout: 180_000 },
  () => {
    before(async () => {
      whoami = (await import(join(EXAMPLES, 'service.mjs'))) as WhoamiModule;
      cp = await startControlPlane();
      const mesh = await api(cp, 'PUT', `/meshes/${MESH}`, {
        type: 'Mesh',
        name: MESH,
        skipCreatingInitialPolicies: ['*'],
        mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode: 'STRICT' }] },
      });
      assert.equal(mesh.status, 201, JSON.stringify(mesh.body));
      await kogumaApply(cp, permission('pl-backend-callers', 'pl-backend', 'edge', 'Allow'));
      await kogumaApply(cp, permission('greeter-callers', 'greeter', 'caller', 'Allow'));

      const greeterPort = await startGreeterApp();
      const backendPort = await freePort();
      [, edge, greeter] = await Promise.all([
        startPolicyBackend(cp, {
          mesh: MESH,
          service: 'pl-backend',
          name: 'pl-backend-1',
          version: 'v1',
          port: backendPort,
        }),
        startSidecar(cp, {
          name: 'edge-1',
          mesh: MESH,
          inbound: [{ service: 'edge', servicePort: await freePort(), protocol: 'grpc' }],
          outbound: ['pl-backend'],
        }),
        startSidecar(cp, {
          name: 'greeter-1',
          mesh: MESH,
          inbound: [{ service: 'greeter', servicePort: greeterPort, protocol: 'grpc' }],
        }),
      ]);
      await waitForEnvoy(edge, {
        listeners: [`outbound:127.0.0.1:${edge.outboundPorts['pl-backend']}`],
        endpoints: { 'pl-backend': [`127.0.0.1:${backendPort}`] },
      });
      await waitForEnvoy(greeter, { listeners: [`inbound:127.0.0.1:${greeter.inboundPorts[0]}`] });
      caller = startPolicyClient(cp, await freePort(), {
        mesh: MESH,
        service: 'greeter',
        name: 'caller-1',
        self: 'caller',
        rate: 10,
        deadlineMs: 3_000,
      });
    });

    after(async () => {
      await cleanUp();
      await new Promise<void>((resolve) => (greeterServer ? greeterServer.tryShutdown(() => resolve()) : resolve()));
    });

    test("an Envoy sidecar's calls reach a proxyless gRPC backend over mTLS when permitted", async () => {
      // The backend's certificate may still be on its way: wait for a first answer, then every call must be answered.
      await waitFor(
        'a first answer from pl-backend-1 through edge-1',
        async () => ((await callThroughEdge()) === 'pl-backend-1' ? true : undefined),
        30_000,
      );
      assert.deepEqual(await edgeCalls(20), { 'pl-backend-1': 20 });
      assert.ok(
        (await envoyStat(edge, 'cluster.pl-backend.ssl.handshake')) >= 1,
        "edge-1's Envoy reached pl-backend over TLS",
      );
    });

    test("a proxyless client's calls reach the app behind an Envoy sidecar over mTLS when permitted", async () => {
      const answered = await firstAnswered(caller);
      const calls = await callsStartedSince(caller, answered, 20);
      assert.deepEqual(
        tallyOf(calls),
        { 'greeter-app': 20 },
        JSON.stringify(calls.filter((c) => c.error !== undefined).slice(0, 3)),
      );
      assert.ok(greeterServed >= 20, `the app behind Envoy served the calls (${greeterServed})`);
      assert.ok(
        (await envoyStat(greeter, `listener.127.0.0.1_${greeter.inboundPorts[0]}.ssl.handshake`)) >= 1,
        "the caller reached greeter-1's Envoy over TLS",
      );
    });

    test("denying each caller refuses its calls with PERMISSION_DENIED at the callee's data plane", async () => {
      await permitEdge('Deny');
      assert.deepEqual(await edgeCalls(10), { 'failed (PERMISSION_DENIED)': 10 });

      const deniedFrom = await permitCaller('Deny');
      const calls = await callsStartedSince(caller, deniedFrom, 20);
      assert.deepEqual(tallyOf(calls), { 'failed (PERMISSION_DENIED)': 20 });
      assert.ok(
        (await envoyStat(greeter, 'http.localhost_', '.rbac.denied')) >= 20,
        "greeter-1's Envoy counted the denials",
      );
    });

    test("the control plane reads the sidecar's Envoy stats through its agent, and says a proxyless application has no Envoy", async () => {
      const stats = await fetch(`${cp.apiUrl}/meshes/${MESH}/dataplanes/edge-1/stats`);
      assert.equal(stats.status, 200);
      assert.match(await stats.text(), /^cluster\.pl-backend\.ssl\.handshake: [1-9]\d*$/m);
      const proxyless = await api(cp, 'GET', `/meshes/${MESH}/dataplanes/pl-backend-1/clusters`);
      assert.equal(proxyless.status, 503);
      assert.equal(
        proxyless.body.detail,
        `dataplane ${MESH}/pl-backend-1 is a proxyless gRPC application: it has no Envoy, and so no Envoy admin API`,
      );
    });

    test('allowing them again lets the calls through again', async () => {
      await permitEdge('Allow');
      assert.deepEqual(await edgeCalls(10), { 'pl-backend-1': 10 });
      const allowedFrom = await permitCaller('Allow');
      assert.deepEqual(tallyOf(await callsStartedSince(caller, allowedFrom, 20)), { 'greeter-app': 20 });
    });
  },
);

/** The time from which the caller's calls are all answered: just after its first answer. */
async function firstAnswered(client: PolicyClient): Promise<number> {
  const first = await waitFor(
    () =>
      `a first answer to ${client.name} (last: ${JSON.stringify(client.outcomes().slice(-2))}; stderr: ${client.proc.stderr()})`,
    () => client.outcomes().find((o) => o.server !== undefined),
    30_000,
  );
  return first.at + 1;
}
