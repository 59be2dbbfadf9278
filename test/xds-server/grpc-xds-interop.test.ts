/**
 * Interop with an independent xDS client: @grpc/grpc-js-xds, in a child
 * process, resolves `xds:///backend` through our DP server (SotW ADS) and
 * calls a real grpc-js server; when the snapshot's endpoints change, its
 * traffic moves to the other server. The client ACKs every type and NACKs
 * nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TypeUrl, typeUrls } from '../../src/xds/resource-types.js';
import { backendSnapshot } from './fixtures/backend-snapshot.js';
import { startEchoServer, type EchoServer } from './fixtures/echo-service.js';
import { eventually, startTestDpServer, type TestDpServer } from './support.js';

const nodeId = 'default.client-1';
const childScript = fileURLToPath(new URL('./fixtures/xds-client-child.js', import.meta.url));

interface CallOutcome {
  readonly server?: string;
  readonly error?: number;
  readonly details?: string;
}

/** Starts the client process; `outcomes` fills with its calls as they complete. */
function startXdsClient(xdsPort: number): {
  child: ChildProcessWithoutNullStreams;
  outcomes: CallOutcome[];
  stderr: () => string;
} {
  const bootstrap = {
    xds_servers: [
      { server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: nodeId, locality: {} },
    server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
  };
  const child = spawn(process.execPath, [childScript, 'xds:///backend'], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap), GRPC_XDS_BOOTSTRAP: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const outcomes: CallOutcome[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      outcomes.push(JSON.parse(line) as CallOutcome);
    } catch {
      // not one of ours (a library printing to stdout)
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  return { child, outcomes, stderr: () => stderr };
}

/** Waits until `count` calls in a row after `from` reached `server`. */
async function trafficReaches(
  outcomes: CallOutcome[],
  server: string,
  from: number,
  count: number,
  timeoutMs: number,
  diagnostics: () => string,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let run = 0;
    for (let i = from; i < outcomes.length; i++) {
      run = outcomes[i]?.server === server ? run + 1 : 0;
      if (run >= count) return i + 1;
    }
    if (Date.now() > deadline) {
      const recent = outcomes
        .slice(-5)
        .map((o) => JSON.stringify(o))
        .join('\n');
      throw new Error(
        `no ${count} calls in a row reached ${server} within ${timeoutMs} ms; last calls:\n${recent}\nclient stderr:\n${diagnostics()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('interop with grpc-js-xds (a real proxyless gRPC client)', { timeout: 300_000 }, () => {
  let dp: TestDpServer;
  let backendA: EchoServer;
  let backendB: EchoServer;
  let client: ReturnType<typeof startXdsClient> | undefined;

  before(async () => {
    [backendA, backendB, dp] = await Promise.all([
      startEchoServer('backend-a'),
      startEchoServer('backend-b'),
      startTestDpServer(),
    ]);
  });
  after(async () => {
    client?.child.kill('SIGKILL');
    backendA?.stop();
    backendB?.stop();
    await dp?.close();
  });

  it('routes xds:///backend to the endpoint in the snapshot, and follows an endpoint change', async () => {
    dp.cache.set(nodeId, backendSnapshot([backendA.port]));
    client = startXdsClient(dp.server.port);
    const diagnostics = client.stderr;
    const outcomes = client.outcomes;

    const seenA = await trafficReaches(outcomes, 'backend-a', 0, 3, 60_000, diagnostics);
    assert.ok(backendA.calls() >= 3, 'backend-a answered the calls');

    dp.cache.set(nodeId, backendSnapshot([backendB.port]));
    await trafficReaches(outcomes, 'backend-b', seenA, 5, 60_000, diagnostics);
    const callsOnA = backendA.calls();
    await trafficReaches(outcomes, 'backend-b', outcomes.length, 3, 5_000, diagnostics);
    assert.equal(backendA.calls(), callsOnA, 'no traffic reaches backend-a any more');

    const status = dp.registry.get(nodeId);
    assert.equal(status?.connected, true);
    assert.equal(status?.protocol, 'sotw');
    const snapshot = dp.cache.get(nodeId)!;
    for (const typeUrl of typeUrls.filter((t) => snapshot.resources.get(t)?.size)) {
      const typeStatus = status?.types.get(typeUrl);
      assert.equal(
        typeStatus?.lastNack,
        undefined,
        `${typeUrl} was not rejected: ${typeStatus?.lastNack?.error ?? ''}`,
      );
      assert.ok(typeStatus?.acked, `${typeUrl} was acknowledged`);
    }
    assert.equal(
      status?.types.get(TypeUrl.ClusterLoadAssignment)?.acked?.version,
      snapshot.versions.get(TypeUrl.ClusterLoadAssignment),
      'the endpoint change was acknowledged',
    );
  });

  it("keeps serving through a control-plane restart and takes the new stream's config", async () => {
    assert.ok(client, 'the previous case started the client');
    const { outcomes, stderr } = client;
    const port = dp.server.port;
    await dp.close();
    // The client keeps its last config while the control plane is away (xDS: no config is not empty config).
    const during = outcomes.length;
    await trafficReaches(outcomes, 'backend-b', during, 3, 5_000, stderr);

    dp = await startTestDpServer({ port });
    dp.cache.set(nodeId, backendSnapshot([backendA.port, backendB.port]));
    const from = outcomes.length;
    await trafficReaches(outcomes, 'backend-a', from, 1, 60_000, stderr);
    await trafficReaches(outcomes, 'backend-b', from, 1, 5_000, stderr);
    const status = await eventually(
      () => dp.registry.get(nodeId)?.types.get(TypeUrl.ClusterLoadAssignment)?.acked,
      5_000,
      'the EDS ACK on the new stream',
    );
    assert.equal(status.version, dp.cache.get(nodeId)?.versions.get(TypeUrl.ClusterLoadAssignment));
  });
});
