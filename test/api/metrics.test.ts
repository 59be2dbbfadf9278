/**
 * `GET /metrics` in the API server: readable by an anonymous client from
 * another host (like every read but key material), and what it says of store
 * failures and of the requests they fail. Two control planes' metrics live
 * in one process side by side: each has its own registry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ControlPlaneMetrics } from '../../src/cp/metrics.js';
import { KogumaError } from '../../src/api/index.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { parseSamples, sampleSum } from '../support/prom-text.js';

const REMOTE = '203.0.113.7';

describe('GET /metrics', () => {
  let api: TestApi;
  let failLists = false;
  const metrics = new ControlPlaneMetrics({ instanceId: 'cp-1', proxies: () => [] });
  const other = new ControlPlaneMetrics({ instanceId: 'cp-2', proxies: () => [] });
  before(async () => {
    api = await startTestApi({
      access: { localhostIsAdmin: false },
      wrapStore: (memory) =>
        metrics.observeStore(
          Object.assign(Object.create(memory) as typeof memory, {
            list: (query: Parameters<typeof memory.list>[0]) =>
              failLists
                ? Promise.reject(new KogumaError('Unavailable', 'the database does not answer'))
                : memory.list(query),
          }),
        ),
      more: () => ({ metrics: { requestAnswered: metrics.requestAnswered, scrape: () => metrics.scrape() } }),
    });
  });
  after(() => api.close());

  test('an anonymous client from another host reads it, in the text format', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/metrics', remoteAddress: REMOTE });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], metrics.registry.contentType);
    assert.match(response.body, /^# HELP koguma_store_operation_seconds /m);
  });

  test('a failing store operation is counted, and so is the request it failed', async () => {
    failLists = true;
    const failed = await api.app.inject({ method: 'GET', url: '/meshes/default/dataplanes', remoteAddress: REMOTE });
    failLists = false;
    assert.equal(failed.statusCode, 503);
    const ok = await api.app.inject({ method: 'GET', url: '/meshes/default/dataplanes', remoteAddress: REMOTE });
    assert.equal(ok.statusCode, 200);
    const samples = parseSamples((await api.app.inject({ method: 'GET', url: '/metrics' })).body);
    assert.equal(sampleSum(samples, 'koguma_store_operation_errors_total', { operation: 'list' }), 1);
    assert.equal(sampleSum(samples, 'koguma_store_operation_seconds_count', { operation: 'list' }), 2);
    const route = '/meshes/:mesh/:plural';
    assert.equal(sampleSum(samples, 'koguma_api_requests_total', { method: 'GET', route, status: '503' }), 1);
    assert.equal(sampleSum(samples, 'koguma_api_requests_total', { method: 'GET', route, status: '200' }), 1);
    assert.equal(sampleSum(samples, 'koguma_api_request_seconds_count', { method: 'GET', route }), 2);
  });

  test("another control plane's metrics in the same process are its own", async () => {
    const samples = parseSamples((await other.scrape()).body);
    assert.equal(sampleSum(samples, 'koguma_store_operation_seconds_count', { operation: 'list' }), undefined);
    assert.equal(sampleSum(samples, 'koguma_xds_connected_proxies', { cp_instance: 'cp-2', type: 'grpc' }), 0);
  });
});
