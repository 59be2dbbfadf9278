/**
 * The agent's log: one plain line per event, a timestamp and a sentence, on
 * stderr beside the child's own output (Envoy's lines start with `[`, ours
 * with the time and `koguma-dp:`), so a person can tell them apart.
 */

export type DpLog = (line: string) => void;

export function lineLog(write: (text: string) => void, now: () => Date = () => new Date()): DpLog {
  return (line) => write(`${now().toISOString()} koguma-dp: ${line}\n`);
}
