import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSupportedEnvoyVersion, parseEnvoyVersion } from './envoy-version.js';

test("the version is read from Envoy's --version line", () => {
  const line =
    '\n/usr/local/bin/envoy  version: 0ebfcfe5b0484b89ca85b761da9e05ce75dbda8d/1.38.3/Modified/RELEASE/BoringSSL\n\n';
  assert.equal(parseEnvoyVersion(line), '1.38.3');
  assert.equal(parseEnvoyVersion('envoy 1.38.3'), undefined, 'not the shape Envoy prints');
});

test('Envoy 1.36 and newer are supported, older ones are not', () => {
  assert.equal(isSupportedEnvoyVersion('1.36.0'), true);
  assert.equal(isSupportedEnvoyVersion('1.40.0'), true);
  assert.equal(isSupportedEnvoyVersion('2.0.0'), true);
  assert.equal(isSupportedEnvoyVersion('1.35.9'), false);
  assert.equal(isSupportedEnvoyVersion('0.99.0'), false);
});
