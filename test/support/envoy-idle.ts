/**
 * Idle connections through a sidecar: one exchange on a new connection, then
 * nothing, until the other side (an Envoy idle timeout) closes it. Resolves
 * with how long the connection stayed open after the exchange; rejects when
 * it is still open after `withinMs`.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

function closedWithin(socket: Socket, since: () => number, withinMs: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${what} still open ${withinMs} ms after the exchange`));
    }, withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - since());
    });
  });
}

/** One HTTP/1.1 request on a kept-alive connection to 127.0.0.1:`port`; ms from the end of its response to the connection's close. */
export function httpIdleCloseMs(port: number, withinMs: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<number>((resolve, reject) => {
    let answeredAt = 0;
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => (answeredAt = performance.now()));
    });
    req.on('socket', (socket) => {
      closedWithin(socket, () => answeredAt, withinMs, `the HTTP connection to ${port}`).then(resolve, reject);
    });
    req.on('error', reject);
    req.end();
  }).finally(() => agent.destroy());
}

/** Sends `text` on a new TCP connection to 127.0.0.1:`port`; ms from the first answer to the connection's close. */
export function tcpIdleCloseMs(port: number, text: string, withinMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let answeredAt = 0;
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', () => {
      answeredAt = performance.now();
      closedWithin(socket, () => answeredAt, withinMs, `the TCP connection to ${port}`).then(resolve, reject);
    });
    socket.once('close', () => {
      if (answeredAt === 0) reject(new Error(`127.0.0.1:${port} closed the connection before answering`));
    });
    socket.on('error', reject);
  });
}
