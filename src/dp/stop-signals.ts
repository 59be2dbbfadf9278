/**
 * The signals that ask the agent to stop: SIGINT (Ctrl-C) and SIGTERM
 * (systemd, docker stop, a test). Subscribed for the agent's whole run, so
 * one that arrives while it is still fetching the bootstrap is not lost.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** Calls `handler` for every stop signal; returns the unsubscribe. */
export function onStopSignals(handler: (signal: StopSignal) => void): () => void {
  const removers = STOP_SIGNALS.map((signal) => {
    const listener = () => handler(signal);
    process.on(signal, listener);
    return () => process.off(signal, listener);
  });
  return () => {
    for (const remove of removers) remove();
  };
}
