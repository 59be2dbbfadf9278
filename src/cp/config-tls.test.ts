// The DP server's transport settings of the configuration table: TLS by default, files as a pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { resolveConfig, type ControlPlaneConfig } from './config.js';

/** The invalid parameters resolveConfig reports, as `field: reason`. */
function issues(flags: Partial<Record<keyof ControlPlaneConfig, string>>, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(flags, env);
    return [];
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    return error.invalidParameters.map((p) => `${p.field}: ${p.reason}`);
  }
}

test('TLS is on by default, with a generated certificate', () => {
  const config = resolveConfig({}, {});
  assert.equal(config.xdsTls, true);
  assert.equal(config.tlsCertFile, '');
  assert.equal(config.tlsKeyFile, '');
});

test('--xds-tls false and KOGUMA_XDS_TLS=false turn TLS off; other words are refused', () => {
  assert.equal(resolveConfig({ xdsTls: 'false' }, {}).xdsTls, false);
  assert.equal(resolveConfig({}, { KOGUMA_XDS_TLS: 'false' }).xdsTls, false);
  assert.deepEqual(issues({ xdsTls: 'no' }), ['--xds-tls: must be true or false']);
});

test('the certificate and key files come together, from flags or variables', () => {
  const config = resolveConfig({ tlsCertFile: '/etc/koguma/cp.crt' }, { KOGUMA_TLS_KEY_FILE: '/etc/koguma/cp.key' });
  assert.deepEqual([config.tlsCertFile, config.tlsKeyFile], ['/etc/koguma/cp.crt', '/etc/koguma/cp.key']);
  assert.deepEqual(issues({ tlsCertFile: '/c' }), ['--tls-key-file: is required with --tls-cert-file']);
  assert.deepEqual(issues({}, { KOGUMA_TLS_KEY_FILE: '/k' }), ['--tls-cert-file: is required with --tls-key-file']);
});

test('certificate files with --xds-tls false are a mistake, not silently ignored', () => {
  assert.deepEqual(issues({ xdsTls: 'false', tlsCertFile: '/c', tlsKeyFile: '/k' }), [
    '--tls-cert-file: has no use with --xds-tls false',
  ]);
});
