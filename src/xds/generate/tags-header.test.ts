import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from '@bufbuild/protobuf';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { TypeUrl } from '../resource-types.js';
import { generateProxyResources } from '../build/testing.js';
import type { ProxyContext } from './proxy-context.js';
import { tagsHeaderRegex, tagsHeaderValue } from './tags-header.js';
import { readCase } from './testing/cases.js';

const matches = (tags: Record<string, string>, header: string): boolean =>
  new RegExp(`^(?:${tagsHeaderRegex(tags)})$`).test(header);

test('x-kuma-tags has Kuma’s format: &key=values& per key, keys sorted, the values of every inbound merged and sorted', () => {
  assert.equal(
    tagsHeaderValue([
      { 'kuma.io/service': 'web', version: 'v2', 'kuma.io/protocol': 'http' },
      { 'kuma.io/service': 'admin', version: 'v2' },
    ]),
    '&kuma.io/protocol=http&&kuma.io/service=admin,web&&version=v2&',
  );
  assert.equal(tagsHeaderValue([]), undefined);
  assert.equal(tagsHeaderValue([{}]), undefined);
});

test('a caller matcher takes whole values only, from any place in the list, and needs every tag', () => {
  const header = tagsHeaderValue([{ 'kuma.io/service': 'web', version: 'v1' }, { 'kuma.io/service': 'admin' }])!;
  assert.ok(matches({ 'kuma.io/service': 'web' }, header));
  assert.ok(matches({ 'kuma.io/service': 'admin' }, header));
  assert.ok(matches({ 'kuma.io/service': 'web', version: 'v1' }, header));
  assert.ok(!matches({ 'kuma.io/service': 'eb' }, header), 'a suffix of a value is not the value');
  assert.ok(!matches({ 'kuma.io/service': 'we' }, header), 'nor is a prefix');
  assert.ok(!matches({ 'kuma.io/service': 'web', version: 'v2' }, header));
  assert.ok(!matches({ 'kuma.io/service': 'web' }, '&kuma.io/service=webshop&'));
  assert.ok(!matches({ 'kuma.io/service': 'web' }, '&kuma.io/serviceXweb&'), 'a dot in a key is a dot');
});

/** The request headers each outbound route configuration of `ctx` adds, by name. */
function outboundRouteHeaders(ctx: ProxyContext): Record<string, unknown> {
  const routes = generateProxyResources(ctx).filter((r) => r.typeUrl === TypeUrl.RouteConfiguration);
  return Object.fromEntries(
    routes.map((r) => [
      r.name,
      (toJson(RouteConfigurationSchema, r.message as never) as Record<string, unknown>)['requestHeadersToAdd'],
    ]),
  );
}

test('a sidecar’s outbound route configurations set x-kuma-tags to its own tags, over any value the application sent', () => {
  assert.deepEqual(outboundRouteHeaders(readCase('http-inbound-outbound')), {
    'outbound:backend': [
      {
        header: { key: 'x-kuma-tags', value: '&kuma.io/protocol=http&&kuma.io/service=web&' },
        appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD',
      },
    ],
  });
});

test('a sidecar without inbounds, and a proxyless client, set no x-kuma-tags', () => {
  const sidecar = readCase('http-inbound-outbound');
  assert.deepEqual(outboundRouteHeaders({ ...sidecar, inbounds: [] }), { 'outbound:backend': undefined });
  const client = readCase('grpc-client-two-destinations');
  const withInbound: ProxyContext = {
    ...client,
    inbounds: [
      {
        address: '10.0.2.1',
        port: 8080,
        serviceAddress: '127.0.0.1',
        servicePort: 8081,
        service: 'frontend',
        protocol: 'grpc',
        tags: { 'kuma.io/service': 'frontend' },
      },
    ],
  };
  assert.deepEqual(Object.values(outboundRouteHeaders(withInbound)), [undefined, undefined]);
});

test('sidecars with the same tags share one route configuration per destination', () => {
  const ctx = readCase('http-inbound-outbound');
  const routeOf = (c: ProxyContext) => generateProxyResources(c).find((r) => r.typeUrl === TypeUrl.RouteConfiguration)!;
  assert.equal(routeOf({ ...ctx, name: 'web-2' }), routeOf(ctx));
  const other = routeOf({ ...ctx, inbounds: ctx.inbounds.map((i) => ({ ...i, tags: { ...i.tags, version: 'v2' } })) });
  assert.notEqual(other, routeOf(ctx));
});
