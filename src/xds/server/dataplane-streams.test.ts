import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { DataplaneStreams } from './dataplane-streams.js';

test('past the limit the oldest stream of the dataplane is ended, not the newest, and other dataplanes are untouched', () => {
  const ended: [string, Error][] = [];
  const replaced: string[] = [];
  const streams = new DataplaneStreams(2, (nodeId) => replaced.push(nodeId));
  const end = (name: string) => (reason: Error) => void ended.push([name, reason]);
  streams.add('default.web-1', end('first'));
  streams.add('default.web-1', end('second'));
  streams.add('default.web-2', end('other'));
  const unregisterThird = streams.add('default.web-1', end('third'));
  assert.deepEqual(
    ended.map(([name]) => name),
    ['first'],
  );
  const reason = ended[0]![1];
  assert.ok(reason instanceof ConnectError);
  assert.equal(reason.code, Code.ResourceExhausted);
  assert.match(
    reason.rawMessage,
    /^dataplane "default\.web-1" opened more than 2 concurrent ADS streams.*--xds-max-streams-per-dataplane\)$/,
  );
  assert.deepEqual(replaced, ['default.web-1']);
  assert.deepEqual(streams.counts, { dataplanes: 2, streams: 3 });
  unregisterThird();
  streams.add('default.web-1', end('fourth'));
  assert.deepEqual(
    ended.map(([name]) => name),
    ['first'],
    'a stream that left on its own makes room',
  );
});

test('unregistering every stream forgets the dataplane; unregistering twice is harmless', () => {
  const streams = new DataplaneStreams(8);
  const unregister = [1, 2, 3].map(() => streams.add('default.web-1', () => undefined));
  for (const remove of unregister) {
    remove();
    remove();
  }
  assert.deepEqual(streams.counts, { dataplanes: 0, streams: 0 });
});
