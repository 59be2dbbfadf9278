/**
 * One child process (Envoy, or a proxyless application): started with its
 * stdio inherited, so its own logs reach the terminal as they are; its exit
 * as a status the agent can exit with, and in words for the log.
 *
 * The child stays in the agent's process group: a supervisor that signals
 * the group (or a terminal's Ctrl-C) reaches both, and nothing is left
 * running if the agent itself is killed that way.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { DpError } from './errors.js';

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningChild {
  readonly pid: number;
  readonly exited: Promise<ExitResult>;
  kill(signal: NodeJS.Signals): void;
}

/** The shell convention: the exit code, or 128 + the number of the signal that ended the process. */
export function exitStatusOf(exit: ExitResult): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal === null ? undefined : constants.signals[exit.signal];
  return number === undefined ? 1 : 128 + number;
}

/** "exited with code 3", "exited cleanly", "was killed by SIGKILL". */
export function describeExit(exit: ExitResult): string {
  if (exit.code === 0) return 'exited cleanly';
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return `was killed by ${exit.signal ?? 'a signal'}`;
}

const spawnReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file (or not on PATH)',
  EACCES: 'permission denied (is it executable?)',
};

/** Starts `command`; resolves once it runs, rejects with a DpError when it cannot be started at all. */
export function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunningChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const exited = new Promise<ExitResult>((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      const reason = (error.code !== undefined ? spawnReasons[error.code] : undefined) ?? error.message;
      reject(new DpError(`cannot run ${command}: ${reason}`));
    });
    child.once('spawn', () =>
      resolve({
        pid: child.pid ?? -1,
        exited,
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      }),
    );
  });
}
