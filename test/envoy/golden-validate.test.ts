/**
 * Every Envoy golden file passes `envoy --mode validate` of a real Envoy:
 * bootstraps as they are, generated resources assembled into a static
 * bootstrap (static-bootstrap.ts). A generator change that real Envoy would
 * reject fails here, beside the golden diff that shows it.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRootCa, issueWorkloadCertificate, loadCa } from '../../src/mtls/index.js';
import { envoyPath, envoyTestOptions, testEnvoy } from '../support/envoy.js';
import { validateWithEnvoy } from '../support/envoy-validate.js';
import { goldenFiles, REPO } from './golden-files.js';
import { goldenContent, validationBootstrap, type Json, type TestPki } from './static-bootstrap.js';

const files = goldenFiles();
const envoyFiles = files.filter((f) => f.reader !== 'proxyless');

test('the golden files are found and each is known as Envoy or proxyless gRPC config', () => {
  assert.ok(envoyFiles.filter((f) => f.reader === 'envoy-bootstrap').length >= 4, 'Envoy bootstraps');
  assert.ok(envoyFiles.filter((f) => f.reader === 'envoy-resources').length >= 35, 'generated Envoy resources');
  for (const file of envoyFiles) assert.doesNotMatch(file.path, /grpc-bootstrap/);
});

test('each Envoy golden file of resources holds resources or a fragment this test can place', () => {
  for (const file of envoyFiles.filter((f) => f.reader === 'envoy-resources')) {
    assert.doesNotThrow(
      () => goldenContent(file.path, JSON.parse(readFileSync(join(REPO, file.path), 'utf8')) as Json),
      file.path,
    );
  }
});

describe(`envoy --mode validate accepts`, { ...envoyTestOptions(), concurrency: 2 }, () => {
  let pki: TestPki;
  before(async () => {
    const envoy = testEnvoy();
    if ('version' in envoy) console.log(`# validating with Envoy ${envoy.version} (${envoy.path})`);
    const caPem = await generateRootCa({ mesh: 'default', backend: 'validate', lifetimeMs: 24 * 3600_000 });
    const ca = await loadCa(caPem.certPem, caPem.keyPem);
    const leaf = await issueWorkloadCertificate(ca, {
      mesh: 'default',
      tags: { 'kuma.io/service': ['web'] },
      lifetimeMs: 3600_000,
    });
    pki = { caPem: caPem.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem };
  });

  test('a per-route local rate limit without a token bucket is refused (what envoy-per-caller once held)', async () => {
    const limit = {
      name: 'envoy.filters.http.local_ratelimit',
      typedConfig: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
        statPrefix: 'x',
      },
    };
    const routes = {
      '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
      name: 'inbound:web',
      virtualHosts: [
        {
          name: 'web',
          domains: ['*'],
          routes: [
            {
              match: { prefix: '/' },
              route: { cluster: 'web' },
              typedPerFilterConfig: { [limit.name]: limit.typedConfig },
            },
          ],
        },
      ],
    };
    const config = validationBootstrap({ kind: 'resources', resources: [routes] }, pki);
    const verdict = await validateWithEnvoy(envoyPath(), JSON.stringify(config));
    assert.equal(verdict.accepted, false);
    assert.match(verdict.message, /local rate limit token bucket must be set for per filter configs/);
  });

  for (const file of envoyFiles) {
    test(file.path, async () => {
      const text = readFileSync(join(REPO, file.path), 'utf8');
      const config =
        file.reader === 'envoy-bootstrap'
          ? text
          : JSON.stringify(validationBootstrap(goldenContent(file.path, JSON.parse(text) as Json), pki), null, 2);
      const verdict = await validateWithEnvoy(envoyPath(), config, file.reader === 'envoy-bootstrap' ? 'yaml' : 'json');
      assert.ok(
        verdict.accepted,
        `Envoy rejects ${file.path}:\n${verdict.message}\n--- the bootstrap it was given:\n${config}`,
      );
    });
  }
});
