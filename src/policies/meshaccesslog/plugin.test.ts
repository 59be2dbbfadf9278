// The test kit first: it loads grpc-js-xds, which must be set up before its inner modules are imported.
import {
  CACHE,
  checkedConfig,
  expectGolden,
  goldenText,
  hcmOf,
  inboundSideGolden,
  inboundSideProxy,
  listenerOf,
  srcPath,
  storedPolicy,
  WEB,
} from '../core/testkit/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProxyFlavour } from '../../xds/generate/index.js';

/**
 * Golden cases: each `testdata/<case>.input.json` names a flavour and the
 * MeshAccessLogs (lowest priority first) of the test proxy `web-1`
 * (inboundSideProxy: inbounds web, http, and cache, tcp; outbounds backend,
 * http, and db, tcp); `<case>.golden.json` holds its listeners and clusters
 * and the warnings. Every log goes to /dev/null: `envoy --mode validate`
 * (test/envoy/golden-validate.test.ts) opens each access log file, so a
 * path must be one it can open on any machine.
 */
interface GoldenInput {
  readonly flavour: ProxyFlavour;
  readonly policies: readonly { readonly name: string; readonly spec: Record<string, unknown> }[];
}

const testdata = srcPath('src/policies/meshaccesslog/testdata');
const INPUT = '.input.json';
const caseNames = readdirSync(testdata)
  .filter((file) => file.endsWith(INPUT))
  .map((file) => file.slice(0, -INPUT.length))
  .sort();

const accessLogs = (policies: GoldenInput['policies']) =>
  policies.map(({ name, spec }) => storedPolicy('MeshAccessLog', name, spec));

test('the golden cases are found', () => assert.ok(caseNames.length >= 7, `input files in ${testdata}`));

for (const name of caseNames) {
  test(`${name}: the configuration equals its golden file and passes Envoy's validation (and grpc-js-xds's)`, () => {
    const input = JSON.parse(readFileSync(join(testdata, `${name}${INPUT}`), 'utf8')) as GoldenInput;
    const config = checkedConfig(inboundSideProxy(input.flavour, accessLogs(input.policies)));
    expectGolden(join(testdata, `${name}.golden.json`), goldenText(config, inboundSideGolden));
  });
}

const fileLog = (path: string, format?: unknown) => ({ type: 'File', file: { path, ...(format ? { format } : {}) } });
const accessLog = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshAccessLog', name, spec);

/** The file access logs of a connection manager or TCP proxy (JSON), as path and format. */
const loggedAs = (filter: Record<string, any>) =>
  ((filter['accessLog'] ?? []) as Record<string, any>[]).map(({ name, typedConfig }) => ({
    name,
    path: typedConfig.path,
    format: typedConfig.logFormat,
  }));

test('inbound placeholders: the source is unknown, the destination is the inbound’s own service', () => {
  const plain = { type: 'Plain', plain: '%KUMA_SOURCE_SERVICE%->%KUMA_DESTINATION_SERVICE% %KUMA_TRAFFIC_DIRECTION%' };
  const config = checkedConfig(
    inboundSideProxy('envoy', [
      accessLog('in', { rules: [{ default: { backends: [fileLog('/tmp/in.log', plain)] } }] }),
    ]),
  );
  assert.deepEqual(loggedAs(hcmOf(listenerOf(config, WEB))), [
    {
      name: 'envoy.access_loggers.file',
      path: '/tmp/in.log',
      format: { textFormatSource: { inlineString: 'unknown->web INBOUND\n' } },
    },
  ]);
  const tcpProxy = listenerOf(config, CACHE).filterChains[0].filters.at(-1).typedConfig;
  assert.deepEqual(loggedAs(tcpProxy)[0]?.format, { textFormatSource: { inlineString: 'unknown->cache INBOUND\n' } });
});

test('backends of one entry become access logs in list order; a more specific entry replaces the list', () => {
  const spec = {
    to: [
      { targetRef: { kind: 'Mesh' }, default: { backends: [fileLog('/tmp/a.log'), fileLog('/tmp/b.log')] } },
      { targetRef: { kind: 'MeshService', name: 'backend' }, default: { backends: [fileLog('/tmp/c.log')] } },
    ],
  };
  const config = checkedConfig(inboundSideProxy('envoy', [accessLog('lists', spec)]));
  const paths = (listener: string, at: (l: Record<string, any>) => Record<string, any>) =>
    loggedAs(at(listenerOf(config, listener))).map((log) => log.path);
  assert.deepEqual(
    paths('outbound:127.0.0.1:10002', (l) => l.filterChains[0].filters.at(-1).typedConfig),
    ['/tmp/a.log', '/tmp/b.log'],
  );
  assert.deepEqual(paths('outbound:127.0.0.1:10001', hcmOf), ['/tmp/c.log']);
});

test('a generated listener shared with other proxies is never changed in place', () => {
  const bare = () => listenerOf(checkedConfig(inboundSideProxy('envoy', [])), WEB);
  const before = bare();
  checkedConfig(
    inboundSideProxy('envoy', [accessLog('in', { rules: [{ default: { backends: [fileLog('/tmp/in.log')] } }] })]),
  );
  assert.deepEqual(bare(), before);
});

test('a to entry naming a MeshHTTPRoute is left out with a warning; the others apply', () => {
  const spec = {
    targetRef: { kind: 'Mesh' },
    to: [
      { targetRef: { kind: 'MeshHTTPRoute', name: 'checkout' }, default: { backends: [fileLog('/dev/null')] } },
      { targetRef: { kind: 'MeshService', name: 'db' }, default: { backends: [fileLog('/dev/null')] } },
    ],
  };
  const config = checkedConfig(inboundSideProxy('envoy', [accessLog('by-route', spec)]));
  assert.deepEqual(config.warnings, [
    'MeshAccessLog: by-route: MeshHTTPRoute targets are not applied yet: access logs are per listener',
  ]);
  assert.deepEqual(loggedAs(hcmOf(listenerOf(config, 'outbound:127.0.0.1:10001'))), []);
  assert.equal(
    loggedAs(listenerOf(config, 'outbound:127.0.0.1:10002').filterChains[0].filters.at(-1).typedConfig).length,
    1,
  );
});
