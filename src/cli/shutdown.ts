/**
 * Signal handling of a long-running command (`koguma cp run`):
 *
 *   first SIGINT/SIGTERM ─► stop() once ─► exit 0 (1 if stopping failed)
 *   another signal while stopping ─► exit at once, 128 + signal number (130 / 143)
 *
 * A signal that arrives while the control plane is still starting is held
 * until it has started (then it is stopped as above) or has failed to start.
 * Kept apart from `process` so the state machine is tested without signals.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface ShutdownHooks {
  readonly exit: (code: number) => void;
  /** Told about each signal as it is handled, to log it. */
  readonly onSignal?: (signal: StopSignal, immediate: boolean) => void;
  /** Told about a failure of `stop`. */
  readonly onError?: (error: unknown) => void;
}

export interface Shutdown {
  /** Call for each signal received. */
  signal(signal: StopSignal): void;
  /** Call once the service is running; `stop` shuts it down. */
  started(stop: () => Promise<void>): void;
}

export function createShutdown(hooks: ShutdownHooks): Shutdown {
  let stop: (() => Promise<void>) | undefined;
  let requested = false;
  let stopping = false;

  const begin = () => {
    if (stopping || stop === undefined) return;
    stopping = true;
    stop().then(
      () => hooks.exit(0),
      (error: unknown) => {
        hooks.onError?.(error);
        hooks.exit(1);
      },
    );
  };

  return {
    signal(signal) {
      if (requested) {
        hooks.onSignal?.(signal, true);
        hooks.exit(SIGNAL_EXIT_CODES[signal]);
        return;
      }
      requested = true;
      hooks.onSignal?.(signal, false);
      begin();
    },
    started(stopService) {
      stop = stopService;
      if (requested) begin();
    },
  };
}
