/**
 * Dataplane tokens end to end, on real sockets: a control plane with
 * `--dp-auth dpToken` (the default), tokens issued by its REST API, and a
 * connect-node gRPC client speaking ADS to its DP server as Envoy would,
 * with the token in the stream's `authorization` metadata.
 *
 * Threats covered: a proxy without a token, with a forged, expired or revoked
 * token, with another dataplane's token, or with tags its token does not
 * allow, gets neither a bootstrap nor an ADS stream; a token revoked while its
 * stream is open ends the stream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { parse } from 'yaml';
import { issueDataplaneToken, issuingSigningKey } from '../../src/auth/index.js';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DiscoveryRequestSchema,
  type DiscoveryRequest,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { DATAPLANE_RESOURCE_METADATA } from '../../src/xds/node-metadata.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { pushable, reader } from '../xds-server/support.js';

const dataDirs: string[] = [];
after(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A control plane on free ports. The DP server is plaintext here: these tests
 * are about what a token allows, and TLS has its own tests.
 */
function start(flags: Record<string, string>, logger = pino({ level: 'silent' })): Promise<RunningControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koguma-tokens-'));
  dataDirs.push(dataDir);
  const config = resolveConfig(
    { store: 'memory', apiPort: '0', xdsPort: '0', xdsDebounceMs: '5ms', xdsTls: 'false', dataDir, ...flags },
    {},
  );
  return startControlPlane(config, { logger });
}

const dataplane = (name: string, service: string) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 20000, servicePort: 8080, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http' } }],
  },
});

interface AdsOutcome {
  /** The first response, when the stream was accepted. */
  readonly response?: { readonly typeUrl: string };
  /** Why the stream was refused. */
  readonly error?: ConnectError;
  /** How an accepted stream ends later: its error, or undefined for a clean end. */
  ended(timeoutMs?: number): Promise<unknown>;
  close(): void;
}

/** Opens a SotW ADS stream as dataplane `name` (direct mode) and waits for its first response or its end. */
async function openAds(cp: RunningControlPlane, name: string, service: string, token?: string): Promise<AdsOutcome> {
  // One connection per stream, closed with it, so the control plane never waits on an idle client to stop.
  const sessionManager = new Http2SessionManager(cp.xdsUrl);
  const client = createClient(AggregatedDiscoveryService, createGrpcTransport({ baseUrl: cp.xdsUrl, sessionManager }));
  const requests = pushable<DiscoveryRequest>();
  const abort = new AbortController();
  const responses = reader(
    client.streamAggregatedResources(requests.iterable, {
      signal: abort.signal,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    }),
  );
  requests.push(
    create(DiscoveryRequestSchema, {
      node: {
        id: `default.${name}`,
        metadata: { [DATAPLANE_RESOURCE_METADATA]: JSON.stringify(dataplane(name, service)) },
      },
      typeUrl: TypeUrl.Cluster,
    }),
  );
  const close = () => {
    abort.abort();
    sessionManager.abort();
  };
  try {
    const response = await responses.next(10_000);
    return {
      response,
      ended: async (timeoutMs) => {
        try {
          return await responses.ended(timeoutMs);
        } finally {
          sessionManager.abort();
        }
      },
      close,
    };
  } catch (error) {
    close();
    if (error instanceof ConnectError) return { error, ended: async () => error, close };
    throw error;
  }
}

async function api(
  cp: RunningControlPlane,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, text: await response.text() };
}

async function issue(cp: RunningControlPlane, request: Record<string, unknown>): Promise<string> {
  const answer = await api(cp, 'POST', '/tokens/dataplane', { mesh: 'default', validFor: '1h', ...request });
  assert.equal(answer.status, 200, answer.text);
  return answer.text;
}

async function bootstrap(
  cp: RunningControlPlane,
  name: string,
  service: string,
  token?: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.xdsUrl}/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      mesh: 'default',
      name,
      proxyType: 'dataplane',
      dataplaneResource: JSON.stringify(dataplane(name, service)),
      ...(token === undefined ? {} : { dataplaneToken: token }),
    }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : parse(text),
  };
}

const refusedWith = (outcome: AdsOutcome, code: Code, pattern: RegExp): void => {
  assert.ok(outcome.error, `expected the stream to be refused, got a response`);
  assert.equal(outcome.error.code, code, outcome.error.rawMessage);
  assert.match(outcome.error.rawMessage, pattern);
};

describe('dataplane tokens with --dp-auth dpToken', () => {
  let cp: RunningControlPlane;
  before(async () => {
    cp = await start({});
  });
  after(() => cp?.close());

  it('a token issued by the API gets its dataplane a bootstrap carrying it, and an ADS stream with configuration', async () => {
    const token = await issue(cp, { name: 'web-a', tags: { 'kuma.io/service': ['web'] } });
    const answer = await bootstrap(cp, 'web-a', 'web', token);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.dynamic_resources.ads_config.grpc_services[0].initial_metadata, [
      { key: 'authorization', value: `Bearer ${token}` },
    ]);
    const ads = await openAds(cp, 'web-a', 'web', token);
    try {
      assert.equal(ads.error, undefined, ads.error?.rawMessage);
      assert.equal(ads.response?.typeUrl, TypeUrl.Cluster);
      assert.equal(
        (await api(cp, 'GET', '/meshes/default/dataplanes/web-a')).status,
        200,
        'the stream registered its Dataplane',
      );
    } finally {
      ads.close();
    }
  });

  it("dataplane B presenting A's token is refused at /bootstrap (422) and on ADS (PERMISSION_DENIED)", async () => {
    const forA = await issue(cp, { name: 'web-a' });
    const answer = await bootstrap(cp, 'web-b', 'web', forA);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.invalid_parameters[0].field, 'dataplaneToken');
    assert.match(answer.body.invalid_parameters[0].reason, /the token is for dataplane "web-a"/);
    refusedWith(await openAds(cp, 'web-b', 'web', forA), Code.PermissionDenied, /the token is for dataplane "web-a"/);
    assert.equal(
      (await api(cp, 'GET', '/meshes/default/dataplanes/web-b')).status,
      404,
      'nothing was registered for B',
    );
  });

  it('a dataplane claiming tags its token does not allow is refused at both', async () => {
    const webOnly = await issue(cp, { tags: { 'kuma.io/service': ['web'] } });
    const answer = await bootstrap(cp, 'sneaky-1', 'payments', webOnly);
    assert.equal(answer.status, 422);
    assert.match(answer.body.invalid_parameters[0].reason, /kuma.io\/service=payments is not allowed/);
    refusedWith(
      await openAds(cp, 'sneaky-1', 'payments', webOnly),
      Code.PermissionDenied,
      /kuma.io\/service=payments is not allowed/,
    );
  });

  it('no token, a forged token and an expired token are refused (422; UNAUTHENTICATED)', async () => {
    assert.equal((await bootstrap(cp, 'web-c', 'web')).status, 422);
    refusedWith(await openAds(cp, 'web-c', 'web'), Code.Unauthenticated, /requires a dataplane token/);
    const genuine = await issue(cp, {});
    const [header, payload] = genuine.split('.');
    const forged = `${header}.${payload}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
    assert.equal((await bootstrap(cp, 'web-c', 'web', forged)).status, 422);
    refusedWith(await openAds(cp, 'web-c', 'web', forged), Code.Unauthenticated, /bad signature/);
    const key = await issuingSigningKey(cp.store, 'default');
    const expired = await issueDataplaneToken(key, {
      mesh: 'default',
      validForMs: 60_000,
      now: new Date(Date.now() - 2 * 3_600_000),
    });
    const expiredAnswer = await bootstrap(cp, 'web-c', 'web', expired);
    assert.deepEqual(expiredAnswer.body.invalid_parameters, [
      { field: 'dataplaneToken', reason: 'dataplane token has expired' },
    ]);
    refusedWith(await openAds(cp, 'web-c', 'web', expired), Code.Unauthenticated, /has expired/);
  });

  it('a revoked token is refused, and the stream it opened before is ended with UNAUTHENTICATED', async () => {
    const token = await issue(cp, { name: 'web-r' });
    const ads = await openAds(cp, 'web-r', 'web', token);
    assert.equal(ads.error, undefined, ads.error?.rawMessage);
    const revocation = await api(cp, 'POST', '/tokens/dataplane/revocations', {
      mesh: 'default',
      id: String(decodeJwt(token).jti),
    });
    assert.equal(revocation.status, 200, revocation.text);
    const ended = await ads.ended(12_000);
    assert.ok(ended instanceof ConnectError, `expected the open stream to end with an error, got ${String(ended)}`);
    assert.equal(ended.code, Code.Unauthenticated);
    assert.match(ended.rawMessage, /has been revoked/);
    assert.equal((await bootstrap(cp, 'web-r', 'web', token)).status, 422);
    refusedWith(await openAds(cp, 'web-r', 'web', token), Code.Unauthenticated, /has been revoked/);
  });

  it('revoking by writing the Secret by hand, as in Kuma, works the same', async () => {
    const token = await issue(cp, { name: 'web-s' });
    const list = Buffer.from(`some-other-id,${String(decodeJwt(token).jti)}`).toString('base64');
    const secret = { type: 'Secret', mesh: 'default', name: 'dataplane-token-revocations-default', data: list };
    assert.ok(
      [200, 201].includes(
        (await api(cp, 'PUT', '/meshes/default/secrets/dataplane-token-revocations-default', secret)).status,
      ),
    );
    refusedWith(await openAds(cp, 'web-s', 'web', token), Code.Unauthenticated, /has been revoked/);
  });
});

describe('--dp-auth none', () => {
  it('warns at start that any process can be any dataplane, and serves streams without tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    });
    const cp = await start({ dpAuth: 'none' }, pino({ level: 'info' }, sink));
    try {
      const warning = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => /dataplane authentication is off/.test(line.msg));
      assert.ok(warning, `no warning among:\n${lines.join('\n')}`);
      assert.equal(warning.level, 40, 'logged at warn level');
      assert.match(warning.msg, /--dp-auth none.*any dataplane/);
      const ads = await openAds(cp, 'dev-1', 'web');
      try {
        assert.equal(ads.error, undefined, ads.error?.rawMessage);
      } finally {
        ads.close();
      }
      assert.equal((await bootstrap(cp, 'dev-1', 'web')).status, 200);
    } finally {
      await cp.close();
    }
  });
});
