/**
 * One clock for every thread and process of the bench: CLOCK_MONOTONIC in
 * milliseconds (`process.hrtime`), which worker threads and child processes
 * on the same Linux machine share, unlike `performance.now()` whose origin is
 * per thread.
 */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
