/**
 * Exponential backoff, as pure functions of the attempt number, for the two
 * loops of the agent that retry: fetching the bootstrap from a control plane
 * that is not up yet, and restarting an Envoy that exited on its own.
 *
 *   delay(n) = min(initial × factor^n, max)          n = failures so far
 *
 * A supervised process that ran for at least `stableAfterMs` before exiting
 * counts as healthy: its next restart starts again from `initial`, so one
 * crash a day does not inherit the delay of yesterday's crash loop.
 * No jitter: one agent retries one control plane; there is no herd to spread.
 */

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Growth per failure; 2 unless told. */
  readonly factor?: number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const factor = policy.factor ?? 2;
  return Math.min(policy.maxMs, policy.initialMs * factor ** Math.max(0, attempt));
}

/** The first `count` delays of a policy, for logs and tests. */
export const backoffSchedule = (policy: BackoffPolicy, count: number): number[] =>
  Array.from({ length: count }, (_, attempt) => backoffDelay(policy, attempt));

export interface RestartPolicy extends BackoffPolicy {
  /** A run at least this long resets the backoff. */
  readonly stableAfterMs: number;
}

/** Consecutive quick exits of a supervised process. */
export interface RestartState {
  readonly failures: number;
}

export const initialRestartState: RestartState = { failures: 0 };

/** How long to wait before restarting a process that ran for `ranForMs`, and the state after it. */
export function nextRestart(
  policy: RestartPolicy,
  state: RestartState,
  ranForMs: number,
): { delayMs: number; state: RestartState } {
  const failures = ranForMs >= policy.stableAfterMs ? 0 : state.failures;
  return { delayMs: backoffDelay(policy, failures), state: { failures: failures + 1 } };
}
