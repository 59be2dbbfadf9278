/**
 * Values of the agent's flags: durations (`500ms`, `30s`, `5m`, `1h`) and
 * ports. Parsers throw an Error whose message completes "<flag> ...", so
 * the command can name the flag or variable the bad value came from.
 * `formatDuration` is the way back, for log lines ("retrying in 1.5s").
 */

export { formatDuration, parseDuration } from '../api/index.js';
export { parsePort } from './port.js';
