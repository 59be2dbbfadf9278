import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { sseFrame, SseStream, type SseSink } from './sse.js';

/** A response whose client reads nothing once `full`: every write says the buffer is full. */
class FakeSink extends EventEmitter {
  readonly written: string[] = [];
  full = false;
  writableEnded = false;
  destroyed = false;
  write(chunk: string): boolean {
    this.written.push(chunk);
    return !this.full;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

test('a frame holds the event name and one data line per line of data', () => {
  assert.equal(sseFrame('hello', { a: 1 }), 'event: hello\ndata: {"a":1}\n\n');
  assert.equal(sseFrame(undefined, 'one\ntwo'), 'data: one\ndata: two\n\n');
});

test('a client that falls behind by more than the queue limit is ended with a last overflow event', () => {
  const sink = new FakeSink();
  let closed = 0;
  const stream = new SseStream(sink as unknown as SseSink, { queueLimit: 3, onClose: () => closed++ });
  assert.ok(stream.send('resource', { n: 0 }));
  sink.full = true;
  for (let n = 1; n <= 3; n++) assert.ok(stream.send('resource', { n }), `event ${n} waits`);
  assert.equal(stream.send('resource', { n: 4 }), false);
  assert.match(sink.written.at(-1)!, /^event: overflow\n/);
  assert.ok(sink.writableEnded);
  assert.equal(closed, 1);
  assert.equal(stream.send('resource', { n: 5 }), false, 'nothing after the end');
});

test('a client that catches up (drain) may fall behind again by as much', () => {
  const sink = new FakeSink();
  const stream = new SseStream(sink as unknown as SseSink, { queueLimit: 2, onClose: () => undefined });
  sink.full = true;
  assert.ok(stream.send('a', 1));
  assert.ok(stream.send('a', 2));
  sink.emit('drain');
  assert.ok(stream.send('a', 3));
  assert.ok(stream.send('a', 4));
  assert.ok(stream.open);
});

test('the client going away closes the stream once', () => {
  const sink = new FakeSink();
  let closed = 0;
  const stream = new SseStream(sink as unknown as SseSink, { queueLimit: 2, onClose: () => closed++ });
  sink.emit('close');
  stream.close();
  assert.equal(closed, 1);
  assert.equal(stream.send('a', 1), false);
});
