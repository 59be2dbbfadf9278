import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CP_ADDRESS, parseCpAddress } from './cp-address.js';

test('one URL gives the /bootstrap base and the gRPC target', () => {
  assert.deepEqual(parseCpAddress('https://10.0.0.5:5678/'), {
    url: 'https://10.0.0.5:5678',
    tls: true,
    host: '10.0.0.5',
    port: 5678,
    serverUri: '10.0.0.5:5678',
  });
  assert.deepEqual(parseCpAddress('https://[::1]:7000'), {
    url: 'https://[::1]:7000',
    tls: true,
    host: '[::1]',
    port: 7000,
    serverUri: '[::1]:7000',
  });
});

test('http:// is a DP server without TLS (--xds-tls false)', () => {
  assert.deepEqual(parseCpAddress('http://10.0.0.5:5678'), {
    url: 'http://10.0.0.5:5678',
    tls: false,
    host: '10.0.0.5',
    port: 5678,
    serverUri: '10.0.0.5:5678',
  });
});

test("a URL without a port means the DP server's port, 5678, for both faces and both schemes", () => {
  assert.deepEqual(parseCpAddress('https://cp.mesh.local'), {
    url: 'https://cp.mesh.local:5678',
    tls: true,
    host: 'cp.mesh.local',
    port: 5678,
    serverUri: 'cp.mesh.local:5678',
  });
  assert.equal(parseCpAddress('http://cp.mesh.local').url, 'http://cp.mesh.local:5678');
});

test('the default is the local DP server over TLS', () => {
  assert.equal(parseCpAddress(DEFAULT_CP_ADDRESS).url, 'https://127.0.0.1:5678');
});

test('other schemes, paths and non-URLs are refused with the reason', () => {
  assert.throws(
    () => parseCpAddress('grpc://cp:5678'),
    /must start with https:\/\/ \(or http:\/\/ for a DP server without TLS\)/,
  );
  assert.throws(() => parseCpAddress('http://cp:5678/api'), /must have no path/);
  assert.throws(() => parseCpAddress('127.0.0.1:5678'), /must be a URL like https:\/\/127\.0\.0\.1:5678/);
});
