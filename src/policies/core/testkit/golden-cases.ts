/**
 * A table of proxies, one test each: its configuration equals its golden file
 * (warnings first, every resource) and passes Envoy's validation, and
 * grpc-js-xds's for the proxyless flavour. The MeshTimeout and MeshRetry
 * plugin tests are written this way.
 */
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProxyContext } from '../../../xds/generate/index.js';
import { assertPassesPgv } from './envoy-validation.js';
import { expectGolden, goldenText } from './golden.js';
import { grpcDecoded } from './grpc-decoding.js';
import { generateProxyConfig } from './proxy-build.js';

/** One test per case: the configuration equals `<dir>/<name>.golden.json` and passes Envoy's validation (and grpc-js-xds's, for gRPC). */
export function testGoldenCases(dir: string, cases: Readonly<Record<string, ProxyContext>>): void {
  for (const [name, ctx] of Object.entries(cases)) {
    test(`${name}: the configuration equals its golden file and passes Envoy's validation${ctx.flavour === 'grpc' ? ' and grpc-js-xds' : ''}`, () => {
      const config = generateProxyConfig(ctx);
      expectGolden(join(dir, `${name}.golden.json`), goldenText(config, { warningsFirst: true }));
      assertPassesPgv(config);
      if (ctx.flavour === 'grpc') for (const resource of config.resources) grpcDecoded(resource);
    });
  }
}
