/**
 * Runs a child and answers for it until it is asked to stop:
 *
 *   start ─► runs ─► exits on its own ─┬─ restart policy ─► wait backoff ─► start again
 *                                      └─ none (proxyless app) ─► done with its status
 *   stop(signal) ─► signal forwarded ─► exits ─► done with its status
 *                                   └─ not within stopTimeoutMs, or a second stop ─► SIGKILL
 *
 * With a start check, a child that does not come up within its time (Envoy:
 * no admin API answering) is killed, and so restarted like any other exit.
 * A stop that comes while waiting to restart ends the wait: the status is
 * that of the last exit. A child that cannot be started at all (no such
 * binary) rejects `done`: retrying would only repeat the same error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { initialRestartState, nextRestart, type RestartPolicy } from './backoff.js';
import { describeExit, exitStatusOf, startChild, type ExitResult, type RunningChild } from './child.js';
import { formatDuration } from './flag-values.js';
import type { DpLog } from './log.js';
import type { StopSignal } from './stop-signals.js';

/** Beyond a drain time, how long a stopped child may take to exit before it is killed. */
export const STOP_GRACE_MS = 5_000;

/** How the supervisor tells that a started child has come up. */
export interface StartCheck {
  readonly timeoutMs: number;
  /** Runs before each start (e.g. removes what the last run left). */
  beforeStart?(): Promise<void>;
  /** Resolves with a description of the child once it is up; with undefined once `signal` aborts first. */
  ready(signal: AbortSignal): Promise<string | undefined>;
  /** What was last seen of a child that is not up yet, for the log. */
  describe(): string;
}

export interface SupervisorOptions {
  /** What the log calls the child: "envoy", "the application". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Restart after an exit of its own; without it, such an exit ends the supervision. */
  readonly restart?: RestartPolicy;
  /** How long a stopped child may take to exit before it is killed. */
  readonly stopTimeoutMs: number;
  /** Kill (and so restart) a child that has not come up in time. */
  readonly startCheck?: StartCheck;
  readonly log: DpLog;
  /** Told when the child comes up and when it went down and waits to restart, with the reason in words. */
  readonly onState?: (state: ChildState) => void;
}

export interface ChildState {
  readonly phase: 'up' | 'restarting';
  readonly reason: string;
}

export interface Supervisor {
  /** The status to exit with; rejects with a DpError if the child cannot be started. */
  readonly done: Promise<number>;
  /** Forwards a stop signal; a second call kills the child. */
  stop(signal: StopSignal): void;
}

export function supervise(options: SupervisorOptions): Supervisor {
  const { name, log } = options;
  let current: RunningChild | undefined;
  let stopping: StopSignal | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const wake = new AbortController();

  const forward = (child: RunningChild, signal: StopSignal) => {
    log(
      `stopping ${name} (pid ${child.pid}): sent ${signal}, waiting up to ${formatDuration(options.stopTimeoutMs)} for it to exit`,
    );
    child.kill(signal);
    killTimer = setTimeout(() => {
      log(`${name} (pid ${child.pid}) did not exit within ${formatDuration(options.stopTimeoutMs)}: killing it`);
      child.kill('SIGKILL');
    }, options.stopTimeoutMs);
  };

  /** Logs when `child` comes up; kills it when it has not within the check's time. */
  const watchStart = async (child: RunningChild, check: StartCheck, startedAt: number) => {
    const gaveUp = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      gaveUp.abort();
    }, check.timeoutMs);
    void child.exited.then(() => gaveUp.abort());
    const up = await check.ready(gaveUp.signal);
    clearTimeout(timer);
    if (up !== undefined) {
      log(`${name} (pid ${child.pid}) is up after ${formatDuration(Date.now() - startedAt)}: ${up}`);
      options.onState?.({ phase: 'up', reason: up });
    } else if (timedOut && stopping === undefined) {
      log(
        `${name} (pid ${child.pid}) did not come up within ${formatDuration(check.timeoutMs)} (${check.describe()}): killing it`,
      );
      child.kill('SIGKILL');
    }
  };

  const run = async (): Promise<number> => {
    let state = initialRestartState;
    let last: ExitResult | undefined;
    for (;;) {
      await options.startCheck?.beforeStart?.();
      const startedAt = Date.now();
      const child = await startChild(options.command, options.args, options.env);
      current = child;
      log(`${name} started (pid ${child.pid}): ${[options.command, ...options.args].join(' ')}`);
      if (stopping !== undefined) forward(child, stopping);
      else if (options.startCheck !== undefined) {
        watchStart(child, options.startCheck, startedAt).catch((error: unknown) =>
          log(`cannot tell whether ${name} (pid ${child.pid}) came up: ${String(error)}`),
        );
      }
      last = await child.exited;
      current = undefined;
      clearTimeout(killTimer);
      const ranFor = Date.now() - startedAt;
      if (stopping !== undefined || options.restart === undefined) {
        log(`${name} (pid ${child.pid}) ${describeExit(last)}`);
        return exitStatusOf(last);
      }
      const next = nextRestart(options.restart, state, ranFor);
      state = next.state;
      const reason = `${name} (pid ${child.pid}) ${describeExit(last)} after ${formatDuration(ranFor)}; restarting it in ${formatDuration(next.delayMs)}`;
      log(reason);
      options.onState?.({ phase: 'restarting', reason });
      try {
        await sleep(next.delayMs, undefined, { signal: wake.signal });
      } catch {
        log(`stopped while waiting to restart ${name}`);
        return exitStatusOf(last);
      }
    }
  };

  return {
    done: run(),
    stop(signal) {
      if (stopping === undefined) {
        stopping = signal;
        wake.abort();
        if (current !== undefined) forward(current, signal);
        return;
      }
      if (current !== undefined) {
        log(`${signal} again: killing ${name} (pid ${current.pid}) now`);
        current.kill('SIGKILL');
      }
    },
  };
}
