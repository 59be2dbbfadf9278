/**
 * MeshHTTPRoute through real Envoy sidecars: the client's outbound to `web`
 * routed by matches, split by weight between version subsets, its requests and
 * responses edited, redirected, rewritten and mirrored. Which app answered
 * (`x-app`) and what it saw (its JSON echo of method, path and headers) say
 * what Envoy did.
 *
 *                                   ┌──► web-v1 (web, version v1)
 *   route-client ──mTLS── outbound web ──► web-v2 (web, version v2)
 *                └─────── outbound shadow ──► shadow-1 (mirror copies land here)
 *
 * A STRICT mTLS mesh with its default policies and an allow-all permission,
 * so subset clusters carry the mesh's TLS as the service cluster does. Each
 * case applies its own route and removes it, awaiting the client's ACK both
 * times; without a route, `web` is round-robin over both versions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps, httpRequest, type HttpAnswer } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { envoyCounter } from '../support/envoy-counters.js';
import { sendHttp, tallyByApp } from '../support/envoy-load.js';
import { applyPolicy, putOpenMtlsMesh, removePolicy, type PolicyDocument } from '../support/envoy-mesh.js';
import {
  awaitEndpoints,
  outboundPort,
  startCaller,
  startInstance,
  type ServiceInstance,
} from '../support/envoy-services.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'routes';

/** A MeshHTTPRoute from route-client to web with `rules`. */
const route = (name: string, rules: readonly unknown[]): PolicyDocument => ({
  type: 'MeshHTTPRoute',
  mesh: MESH,
  name,
  spec: {
    targetRef: { kind: 'MeshService', name: 'route-client' },
    to: [{ targetRef: { kind: 'MeshService', name: 'web' }, rules }],
  },
});

const subset = (version: string, weight?: number) => ({
  kind: 'MeshServiceSubset',
  name: 'web',
  tags: { version },
  ...(weight === undefined ? {} : { weight }),
});
const toVersion = (version: string) => ({ backendRefs: [subset(version)] });
const everything = { path: { type: 'PathPrefix', value: '/' } };

describe('MeshHTTPRoute through real Envoy sidecars', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let v1: ServiceInstance;
  let v2: ServiceInstance;
  let shadow: ServiceInstance;
  let client: Sidecar;
  const web = () => outboundPort(client, 'web');

  /** Applies `policy`, runs `body`, removes `policy`; each change awaited on the client. */
  async function withRoute(policy: PolicyDocument, body: () => Promise<void>): Promise<void> {
    await applyPolicy(cp, [client], policy);
    try {
      await body();
    } finally {
      await removePolicy(cp, [client], policy);
    }
  }

  /** Who answered one request. */
  async function answeredBy(
    path: string,
    options: { method?: string; headers?: Record<string, string> } = {},
  ): Promise<string> {
    const reply = await httpRequest(web(), path, options);
    assert.equal(reply.status, 200, `${options.method ?? 'GET'} ${path}: ${reply.body}`);
    return String(reply.headers['x-app']);
  }

  before(async () => {
    cp = await startControlPlane();
    await putOpenMtlsMesh(cp, MESH);
    [v1, v2, shadow, client] = await Promise.all([
      startInstance(cp, { mesh: MESH, name: 'web-v1', service: 'web', tags: { version: 'v1' } }),
      startInstance(cp, { mesh: MESH, name: 'web-v2', service: 'web', tags: { version: 'v2' } }),
      startInstance(cp, { mesh: MESH, name: 'shadow-1', service: 'shadow' }),
      startCaller(cp, { mesh: MESH, name: 'route-client', calls: ['web', 'shadow'] }),
    ]);
    await awaitEndpoints(client, { web: [v1, v2], shadow: [shadow] });
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test('without a route, web is balanced over both versions', async () => {
    assert.deepEqual(tallyByApp(await sendHttp(web(), 20)), { 'web-v1': 10, 'web-v2': 10 });
  });

  test('a 90/10 split between version subsets holds over 2,000 requests', async () => {
    await withRoute(
      route('split', [{ matches: [everything], default: { backendRefs: [subset('v1', 90), subset('v2', 10)] } }]),
      async () => {
        const tally = tallyByApp(await sendHttp(web(), 2_000, { concurrency: 8 }));
        console.log(`90/10 split: ${JSON.stringify(tally)}`);
        assert.deepEqual(Object.keys(tally).sort(), ['web-v1', 'web-v2'], 'every request answered by one of the two');
        // Envoy picks a weighted cluster at random per request: 3 points is about 4.5 standard deviations.
        assert.ok(
          Math.abs((tally['web-v2'] ?? 0) - 200) <= 60,
          `web-v2 got ${tally['web-v2']} of 2,000 (10% ± 3 points)`,
        );
      },
    );
  });

  test('path, header, query and method matches pick their rule; the most specific wins; other requests take the catch-all', async () => {
    await withRoute(
      route('matches', [
        // The catch-all is a regex, so that the specific regex below can win over it (longer regexes first).
        { matches: [{ path: { type: 'RegularExpression', value: '/.*' } }], default: toVersion('v1') },
        { matches: [{ path: { type: 'Exact', value: '/exact' } }], default: toVersion('v2') },
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], default: toVersion('v2') },
        { matches: [{ path: { type: 'RegularExpression', value: '/re/[0-9]+' } }], default: toVersion('v2') },
        { matches: [{ headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }] }], default: toVersion('v2') },
        { matches: [{ queryParams: [{ type: 'Exact', name: 'debug', value: '1' }] }], default: toVersion('v2') },
        { matches: [{ method: 'DELETE' }], default: toVersion('v2') },
      ]),
      async () => {
        const cases: [string, { method?: string; headers?: Record<string, string> }, string][] = [
          ['/other', {}, 'web-v1'],
          ['/exact', {}, 'web-v2'],
          ['/exact/more', {}, 'web-v1'],
          ['/api', {}, 'web-v2'],
          ['/api/users', {}, 'web-v2'],
          ['/apix', {}, 'web-v1'],
          ['/re/123', {}, 'web-v2'],
          ['/re/abc', {}, 'web-v1'],
          ['/any', { headers: { 'x-version': 'v2' } }, 'web-v2'],
          ['/any', { headers: { 'x-version': 'v3' } }, 'web-v1'],
          ['/q?debug=1', {}, 'web-v2'],
          ['/q?debug=0', {}, 'web-v1'],
          ['/thing', { method: 'DELETE' }, 'web-v2'],
          ['/thing', { method: 'PUT' }, 'web-v1'],
        ];
        const seen: string[] = [];
        const expected: string[] = [];
        for (const [path, options, app] of cases) {
          for (let i = 0; i < 3; i++) {
            seen.push(
              `${options.method ?? 'GET'} ${path} ${JSON.stringify(options.headers ?? {})} -> ${await answeredBy(path, options)}`,
            );
            expected.push(`${options.method ?? 'GET'} ${path} ${JSON.stringify(options.headers ?? {})} -> ${app}`);
          }
        }
        assert.deepEqual(seen, expected);
      },
    );
  });

  test('request and response header modifiers set, add and remove headers', async () => {
    await withRoute(
      route('headers', [
        {
          matches: [everything],
          default: {
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: {
                  set: [{ name: 'x-set', value: 'by-route' }],
                  add: [{ name: 'x-added', value: 'by-route' }],
                  remove: ['x-removed'],
                },
              },
              {
                type: 'ResponseHeaderModifier',
                responseHeaderModifier: {
                  set: [{ name: 'x-response-set', value: 'by-route' }],
                  add: [{ name: 'x-app', value: 'by-route' }],
                  remove: ['x-echo'],
                },
              },
            ],
          },
        },
      ]),
      async () => {
        const reply = await httpRequest(web(), '/headers', {
          headers: { 'x-set': 'by-client', 'x-added': 'by-client', 'x-removed': 'by-client', 'x-echo': 'by-client' },
        });
        assert.equal(reply.status, 200, reply.body);
        const seen = (JSON.parse(reply.body) as HttpAnswer).headers;
        assert.equal(seen['x-set'], 'by-route', 'set replaces what the client sent');
        assert.equal(
          seen['x-added'],
          'by-client, by-route',
          'add appends to it (two headers, which the app reads joined)',
        );
        assert.equal(seen['x-removed'], undefined, 'remove drops it');
        assert.equal(reply.headers['x-response-set'], 'by-route');
        assert.match(String(reply.headers['x-app']), /^web-v[12], by-route$/, "add appends to the app's own header");
        assert.equal(reply.headers['x-echo'], undefined, 'a header the app sent, removed');
      },
    );
  });

  test('a redirect answers in Envoy: status, scheme, host, port and the prefix replaced; the apps see nothing', async () => {
    const served = v1.app.served() + v2.app.served();
    await withRoute(
      route('redirects', [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
          default: {
            filters: [
              {
                type: 'RequestRedirect',
                requestRedirect: {
                  scheme: 'https',
                  hostname: 'new.example.com',
                  port: 8443,
                  statusCode: 301,
                  path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' },
                },
              },
            ],
          },
        },
        {
          matches: [{ path: { type: 'Exact', value: '/moved' } }],
          default: {
            filters: [
              {
                type: 'RequestRedirect',
                requestRedirect: {
                  hostname: 'elsewhere.example.com',
                  path: { type: 'ReplaceFullPath', replaceFullPath: '/landing' },
                },
              },
            ],
          },
        },
      ]),
      async () => {
        const prefixed = await httpRequest(web(), '/old/page?x=1');
        assert.equal(prefixed.status, 301);
        assert.equal(prefixed.headers.location, 'https://new.example.com:8443/new/page?x=1');
        const whole = await httpRequest(web(), '/old');
        assert.equal(whole.headers.location, 'https://new.example.com:8443/new');
        const moved = await httpRequest(web(), '/moved?y=2', { headers: { host: 'web.mesh' } });
        assert.equal(moved.status, 302, 'the default status');
        assert.equal(moved.headers.location, 'http://elsewhere.example.com/landing?y=2');
        assert.equal(v1.app.served() + v2.app.served(), served);
      },
    );
  });

  test('a URL rewrite changes the host and the path (prefix, prefix to /, whole path) before the app sees them', async () => {
    const rewrite = (prefix: string, path: Record<string, string>, hostname?: string) => ({
      matches: [{ path: { type: prefix === '/full' ? 'Exact' : 'PathPrefix', value: prefix } }],
      default: {
        filters: [{ type: 'URLRewrite', urlRewrite: { ...(hostname === undefined ? {} : { hostname }), path } }],
      },
    });
    await withRoute(
      route('rewrites', [
        rewrite('/public', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/internal' }, 'internal.example.com'),
        rewrite('/strip', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' }),
        rewrite('/full', { type: 'ReplaceFullPath', replaceFullPath: '/replaced' }),
      ]),
      async () => {
        const seen = async (path: string) => {
          const reply = await httpRequest(web(), path, { headers: { host: 'web.mesh' } });
          assert.equal(reply.status, 200, reply.body);
          const answer = JSON.parse(reply.body) as HttpAnswer;
          return `${answer.headers.host} ${answer.path}`;
        };
        assert.equal(await seen('/public/users?id=7'), 'internal.example.com /internal/users?id=7');
        assert.equal(await seen('/public'), 'internal.example.com /internal');
        assert.equal(await seen('/strip/a/b'), 'web.mesh /a/b');
        assert.equal(await seen('/strip'), 'web.mesh /');
        assert.equal(await seen('/full?q=1'), 'web.mesh /replaced?q=1');
        assert.equal(await seen('/publicity'), 'web.mesh /publicity', 'a prefix takes whole segments only');
      },
    );
  });

  test('a request mirror copies requests to another service, whose answers the client never sees', async () => {
    const stat = async (name: string) => (await envoyCounter(client, `cluster.shadow.${name}`)) ?? NaN;
    const before = { served: shadow.app.served(), completed: await stat('upstream_rq_completed') };
    /** Copies the shadow app received so far, once the client's Envoy has none on their way and the app saw each it completed. */
    const copiesLanded = () =>
      waitFor('the copies to land', async () => {
        const inFlight = (await stat('upstream_rq_active')) + (await stat('upstream_rq_pending_active'));
        const copies = shadow.app.served() - before.served;
        return inFlight === 0 && (await stat('upstream_rq_completed')) - before.completed === copies
          ? copies
          : undefined;
      });
    await withRoute(
      route('mirror', [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/mirrored' } }],
          default: {
            filters: [
              { type: 'RequestMirror', requestMirror: { backendRef: { kind: 'MeshService', name: 'shadow' } } },
            ],
          },
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/half' } }],
          default: {
            filters: [
              {
                type: 'RequestMirror',
                requestMirror: { percentage: 50, backendRef: { kind: 'MeshService', name: 'shadow' } },
              },
            ],
          },
        },
      ]),
      async () => {
        const mirrored = await sendHttp(web(), 100, { path: '/mirrored', concurrency: 4 });
        assert.deepEqual(tallyByApp(mirrored), { 'web-v1': 50, 'web-v2': 50 }, 'the client gets the primary answers');
        assert.equal(await copiesLanded(), 100, 'every mirrored request copied once');
        await sendHttp(web(), 10, { path: '/not-mirrored' });
        assert.equal(await copiesLanded(), 100, 'requests of other routes are not copied');
        assert.equal((await sendHttp(web(), 400, { path: '/half', concurrency: 4 })).length, 400);
        const halfCopies = (await copiesLanded()) - 100;
        console.log(`mirror: 100 of 100 requests copied; 50%: ${halfCopies} of 400`);
        assert.ok(Math.abs(halfCopies - 200) <= 40, `50% mirror copied ${halfCopies} of 400 (± 10 points)`);
      },
    );
  });
});
