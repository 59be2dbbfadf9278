/**
 * One measurement: mark the clients, trigger a change, wait (bounded) until
 * every client expected to see it has ACKed a new response of the type, and
 * read back per client how long that took from the trigger.
 *
 *   pool.mark() ─► trigger() → t0 ─► poll progress ─► settle ─► collect ─► t(ack) − t0 per expected client
 *
 * `settleMs` after the last expected ACK catches clients that were not
 * expected to change but did (reported as `unexpected`).
 */
import { clientTypes } from './ads-client.js';
import type { ClientPool } from './client-pool.js';
import { nowMs, sleep } from './clock.js';
import { cpuMs } from './processes.js';

export interface Convergence {
  /** Per expected client, ms from t0 to its first ACK of the type; NaN when it never came. */
  readonly latencies: readonly number[];
  readonly missing: number;
  /** Clients outside the expected set that ACKed anything after the mark. */
  readonly unexpected: number;
  /** One response per type received after the mark, encoded. */
  readonly samples: Readonly<Record<string, Uint8Array>>;
}

export interface ChangeOptions {
  readonly pool: ClientPool;
  /** Makes the change; resolves with t0 (monotonic ms): the PUT's response, or the floor's trigger. */
  readonly trigger: () => Promise<number>;
  readonly expected: readonly number[];
  readonly typeUrl: string;
  readonly timeoutMs: number;
  readonly settleMs?: number;
}

export async function measureChange(options: ChangeOptions): Promise<Convergence> {
  const { pool, expected, typeUrl } = options;
  await pool.mark();
  const t0 = await options.trigger();
  const deadline = nowMs() + options.timeoutMs;
  while (nowMs() < deadline && (await pool.progress(typeUrl)) < expected.length) await sleep(10);
  await sleep(options.settleMs ?? 250);
  const collected = await pool.collect();
  const latencies = expected.map((i) => collected.firstAfterMark(i, typeUrl) - t0);
  const expectedSet = new Set(expected);
  let unexpected = 0;
  for (let i = 0; i < pool.size; i++) {
    if (expectedSet.has(i)) continue;
    if (clientTypes.some((t) => !Number.isNaN(collected.firstAfterMark(i, t)))) unexpected++;
  }
  return {
    latencies,
    missing: latencies.filter((l) => Number.isNaN(l)).length,
    unexpected,
    samples: collected.samples,
  };
}

export interface RebuildCost {
  /** CP CPU time used between the trigger and idle, ms (10 ms resolution). */
  readonly cpuMs: number;
  /** From t0 to the last 10 ms in which the CP used CPU. */
  readonly busyMs: number;
  /** Clients that received anything. */
  readonly updated: number;
  /** Their ACK latencies from t0 (any type). */
  readonly latencies: readonly number[];
}

/**
 * For a change that may send nothing (a policy kind without a plugin yet):
 * how much CPU the control plane spent on it and for how long, and which
 * clients heard of it. Idle means no CPU tick for `idleMs`.
 */
export async function measureRebuild(
  pool: ClientPool,
  pid: number,
  trigger: () => Promise<number>,
  timeoutMs: number,
  idleMs = 300,
): Promise<RebuildCost> {
  await pool.mark();
  await sleep(idleMs);
  const cpuBefore = cpuMs(pid);
  const t0 = await trigger();
  let lastCpu = cpuBefore;
  let lastBusyAt = t0;
  const deadline = t0 + timeoutMs;
  while (nowMs() < deadline && nowMs() - lastBusyAt < idleMs) {
    await sleep(5);
    const cpu = cpuMs(pid);
    if (cpu > lastCpu) {
      lastCpu = cpu;
      lastBusyAt = nowMs();
    }
  }
  const collected = await pool.collect();
  const latencies: number[] = [];
  for (let i = 0; i < pool.size; i++) {
    const first = Math.min(...clientTypes.map((t) => collected.firstAfterMark(i, t)).filter((v) => !Number.isNaN(v)));
    if (Number.isFinite(first)) latencies.push(first - t0);
  }
  return { cpuMs: lastCpu - cpuBefore, busyMs: lastBusyAt - t0, updated: latencies.length, latencies };
}
