import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { ConnectionStreams } from './connection-streams.js';

const refusal = (code: Code, pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ConnectError, String(error));
  assert.equal(error.code, code);
  assert.match(error.rawMessage, pattern);
  return true;
};

test('a connection at its stream limit is refused, others are not; a release makes room', () => {
  const streams = new ConnectionStreams({ maxStreamsPerConnection: 2, maxPendingStreamsPerConnection: 2 });
  const a = {};
  const first = streams.admit(a);
  first.requestReceived();
  const second = streams.admit(a);
  second.requestReceived();
  assert.throws(
    () => streams.admit(a),
    refusal(Code.ResourceExhausted, /already has 2 ADS streams open.*--xds-max-streams-per-connection/),
  );
  streams.admit({}).release();
  second.release();
  second.release();
  streams.admit(a);
  assert.deepEqual(streams.counts, { connections: 1, streams: 2, pending: 1 });
});

test('pending streams have their own limit; a first request or an end frees the place', () => {
  const streams = new ConnectionStreams({ maxStreamsPerConnection: 10, maxPendingStreamsPerConnection: 2 });
  const a = {};
  const first = streams.admit(a);
  const second = streams.admit(a);
  assert.throws(
    () => streams.admit(a),
    refusal(
      Code.ResourceExhausted,
      /2 ADS streams that have not sent a DiscoveryRequest.*--xds-max-pending-streams-per-connection/,
    ),
  );
  first.requestReceived();
  const third = streams.admit(a);
  second.release();
  streams.admit(a);
  assert.deepEqual(streams.counts, { connections: 1, streams: 3, pending: 2 });
  for (const stream of [first, third]) stream.release();
});

test('forgets a connection with its last stream, and reports one refusal per connection', () => {
  const reports: string[] = [];
  const streams = new ConnectionStreams({ maxStreamsPerConnection: 1, maxPendingStreamsPerConnection: 1 }, (message) =>
    reports.push(message),
  );
  const a = {};
  const only = streams.admit(a);
  for (let i = 0; i < 5; i++) assert.throws(() => streams.admit(a));
  assert.equal(reports.length, 1);
  only.release();
  assert.deepEqual(streams.counts, { connections: 0, streams: 0, pending: 0 });
});
