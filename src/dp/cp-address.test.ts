import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpAddress } from './cp-address.js';

test('one URL gives the /bootstrap base and the gRPC target', () => {
  assert.deepEqual(parseCpAddress('http://10.0.0.5:5678/'), { url: 'http://10.0.0.5:5678', host: '10.0.0.5', port: 5678, serverUri: '10.0.0.5:5678' });
  assert.deepEqual(parseCpAddress('http://[::1]:7000'), { url: 'http://[::1]:7000', host: '[::1]', port: 7000, serverUri: '[::1]:7000' });
});

test("a URL without a port means the DP server's port, 5678, for both faces", () => {
  assert.deepEqual(parseCpAddress('http://cp.mesh.local'), { url: 'http://cp.mesh.local:5678', host: 'cp.mesh.local', port: 5678, serverUri: 'cp.mesh.local:5678' });
});

test('TLS, paths and non-URLs are refused with the reason', () => {
  assert.throws(() => parseCpAddress('https://cp:5678'), /must start with http:\/\//);
  assert.throws(() => parseCpAddress('http://cp:5678/api'), /must have no path/);
  assert.throws(() => parseCpAddress('127.0.0.1:5678'), /must be a URL like http:\/\/127\.0\.0\.1:5678/);
});
