/**
 * The control plane's log as `koguma cp run` writes it to stdout: pino's JSON
 * lines (`--log-format json`, for collectors), or one line of text per event
 * for a person (`--log-format text`: time, level, component, message, then
 * the event's fields). pino-pretty is loaded only for text.
 */
import { pino, type Logger } from 'pino';
import type { ControlPlaneConfig } from '../cp/index.js';

export async function controlPlaneLogger(
  config: Pick<ControlPlaneConfig, 'logLevel' | 'logFormat' | 'instanceId'>,
): Promise<Logger> {
  const options = { level: config.logLevel, base: { instance: config.instanceId } };
  if (config.logFormat === 'json') return pino(options);
  const { PinoPretty } = await import('pino-pretty');
  const pretty = PinoPretty({
    destination: 1,
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The instance is the same on every line; the component leads the message instead.
    ignore: 'pid,hostname,instance,component',
    singleLine: true,
    messageFormat: '{if component}{component}: {end}{msg}',
  });
  return pino(options, pretty);
}
