/**
 * The agent's log, on stderr beside the child's own output, in one of two forms:
 *
 *   text: a timestamp and a sentence (`2025-01-10T12:00:00.000Z koguma-dp: ...`);
 *         Envoy's lines start with `[`, ours with the time, so a person can
 *         tell them apart
 *   json: one object per line in pino's shape (`{"level":30,"time":...,"msg":...}`),
 *         so a collector reads the agent's lines like the control plane's
 */

export type DpLog = (line: string) => void;
export type DpLogFormat = 'text' | 'json';

export function lineLog(write: (text: string) => void, now: () => Date = () => new Date()): DpLog {
  return (line) => write(`${now().toISOString()} koguma-dp: ${line}\n`);
}

/** pino's number for `info`: every line the agent logs is news, not an error it keeps to itself. */
const infoLevel = 30;

export function jsonLog(write: (text: string) => void, now: () => Date = () => new Date()): DpLog {
  return (line) =>
    write(`${JSON.stringify({ level: infoLevel, time: now().getTime(), name: 'koguma-dp', msg: line })}\n`);
}

export function dpLog(format: DpLogFormat, write: (text: string) => void, now?: () => Date): DpLog {
  return format === 'json' ? jsonLog(write, now) : lineLog(write, now);
}
