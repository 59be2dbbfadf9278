/**
 * Real Envoy sidecars under `koguma dp run`, against a real control plane
 * process (TLS on its DP server): each Envoy fetches its bootstrap from
 * `POST /bootstrap`, takes its config over ADS (delta by default, state of
 * the world on request), and carries real requests from a client's outbound
 * listeners to a backend's inbound listeners and on to small apps. The tests
 * assert what the traffic did. Each transport has one client and one backend
 * Envoy, shared by its tests: the backend has an HTTP, a TCP and a gRPC
 * inbound, the client an outbound to each.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  closeApps,
  grpcSay,
  httpRequest,
  startGrpcApp,
  startHttpApp,
  startTcpApp,
  tcpExchange,
  type HttpAnswer,
  type TestApp,
} from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { sidecarBootstrap, startSidecar, waitForEnvoy, type Sidecar } from '../support/envoy-sidecar.js';
import {
  cleanUp,
  freePort,
  startControlPlane,
  subscriptionOf,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

let cp: ControlPlaneProcess;

interface Pair {
  readonly backend: Sidecar;
  readonly client: Sidecar;
  readonly apps: { readonly http: TestApp; readonly tcp: TestApp; readonly grpc: TestApp };
  /** The client's outbound port for a service of the backend. */
  outbound(service: string): number;
}

/** A backend Envoy with an HTTP, a TCP and a gRPC inbound (services `<prefix>-web|cache|greeter`), a client Envoy calling all three; resolved once both are LIVE with every listener and endpoint. */
async function startPair(prefix: string, transport?: 'delta' | 'sotw'): Promise<Pair> {
  const services = { http: `${prefix}-web`, tcp: `${prefix}-cache`, grpc: `${prefix}-greeter` };
  const apps = {
    http: await startHttpApp(services.http),
    tcp: await startTcpApp(services.tcp),
    grpc: await startGrpcApp(services.grpc),
  };
  const chosen = transport === undefined ? {} : { xdsTransport: transport };
  const [backend, client] = await Promise.all([
    startSidecar(cp, {
      name: `${prefix}-backend`,
      inbound: [
        { service: services.http, servicePort: apps.http.port, protocol: 'http' },
        { service: services.tcp, servicePort: apps.tcp.port, protocol: 'tcp' },
        { service: services.grpc, servicePort: apps.grpc.port, protocol: 'grpc' },
      ],
      ...chosen,
    }),
    startSidecar(cp, {
      name: `${prefix}-client`,
      inbound: [{ service: `${prefix}-client`, servicePort: await freePort() }],
      outbound: Object.values(services),
      ...chosen,
    }),
  ]);
  const [webIn, cacheIn, greeterIn] = backend.inboundPorts.map((port) => `127.0.0.1:${port}`);
  await waitForEnvoy(backend, { listeners: backend.inboundPorts.map((port) => `inbound:127.0.0.1:${port}`) });
  await waitForEnvoy(client, {
    listeners: Object.values(client.outboundPorts).map((port) => `outbound:127.0.0.1:${port}`),
    endpoints: { [services.http]: [webIn!], [services.tcp]: [cacheIn!], [services.grpc]: [greeterIn!] },
  });
  return { backend, client, apps, outbound: (service) => client.outboundPorts[`${prefix}-${service}`]! };
}

/** The transport the control plane saw, and that neither Envoy rejected anything it was sent. */
async function assertStreams(pair: Pair, transport: 'delta' | 'sotw'): Promise<void> {
  const bootstrap = parse(await sidecarBootstrap(pair.client)) as {
    dynamic_resources: { ads_config: { api_type: string } };
  };
  assert.equal(bootstrap.dynamic_resources.ads_config.api_type, transport === 'delta' ? 'DELTA_GRPC' : 'GRPC');
  for (const sidecar of [pair.backend, pair.client]) {
    const overview = await subscriptionOf(cp, sidecar.name);
    assert.equal(overview?.connected, true, sidecar.name);
    assert.equal(overview?.subscription.protocol, transport);
    // Kuma's insight JSON leaves a zero counter out.
    assert.equal(
      overview?.subscription.status.total.responsesRejected,
      undefined,
      `${sidecar.name}'s Envoy rejected nothing`,
    );
    assert.ok(Number(overview?.subscription.status.total.responsesAcknowledged) > 0, `${sidecar.name}'s Envoy ACKed`);
  }
}

/** A POST with a header the app echoes; the answer as the app gave it. */
async function assertHttpRoundTrip(pair: Pair, echo: string): Promise<void> {
  const before = pair.apps.http.served();
  const reply = await httpRequest(pair.outbound('web'), '/hello?who=envoy', {
    method: 'POST',
    headers: { 'x-echo': echo },
  });
  assert.equal(reply.status, 200, reply.body);
  assert.equal(reply.headers['x-app'], pair.apps.http.name);
  assert.equal(reply.headers['x-echo'], echo, 'a header the app echoes');
  const seen = JSON.parse(reply.body) as HttpAnswer;
  assert.equal(seen.method, 'POST');
  assert.equal(seen.path, '/hello?who=envoy');
  assert.equal(seen.headers['x-echo'], echo);
  assert.equal(pair.apps.http.served(), before + 1);
}

describe('traffic through real Envoy sidecars', { ...envoyTestOptions(), timeout: 240_000 }, () => {
  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  describe('delta xDS, the default', () => {
    let pair: Pair;
    before(async () => {
      pair = await startPair('d');
    });

    test('without --xds-transport the bootstrap asks for delta xDS, and both Envoys ACK everything', async () => {
      await assertStreams(pair, 'delta');
    });

    test("an HTTP request through the client's outbound reaches the backend app; status, body and headers come back", async () => {
      await assertHttpRoundTrip(pair, 'over delta');
      const notFound = await httpRequest(pair.outbound('web'), '/missing', { headers: { 'x-respond-status': '404' } });
      assert.equal(notFound.status, 404, "the app's status comes back as it is");
      assert.equal(notFound.headers['x-app'], pair.apps.http.name);
    });

    test('a TCP connection is carried both ways', async () => {
      assert.equal(await tcpExchange(pair.outbound('cache'), 'hello over tcp'), `${pair.apps.tcp.name}:hello over tcp`);
      assert.equal(pair.apps.tcp.served(), 1);
    });

    test('a gRPC call goes through as HTTP/2, metadata and all', async () => {
      assert.deepEqual(await grpcSay(pair.outbound('greeter'), { hello: 'envoy' }, 'grpc-echo'), {
        app: pair.apps.grpc.name,
        said: { hello: 'envoy' },
        echo: 'grpc-echo',
      });
      assert.equal(pair.apps.grpc.served(), 1);
    });
  });

  describe('state-of-the-world xDS, on request', () => {
    let pair: Pair;
    before(async () => {
      pair = await startPair('s', 'sotw');
    });

    test('--xds-transport sotw gives a bootstrap for state-of-the-world ADS, and both Envoys ACK everything', async () => {
      await assertStreams(pair, 'sotw');
    });

    test('HTTP, TCP and gRPC traffic goes through', async () => {
      await assertHttpRoundTrip(pair, 'over sotw');
      assert.equal(await tcpExchange(pair.outbound('cache'), 'ping'), `${pair.apps.tcp.name}:ping`);
      assert.equal((await grpcSay(pair.outbound('greeter'), 'hi')).app, pair.apps.grpc.name);
    });
  });
});
