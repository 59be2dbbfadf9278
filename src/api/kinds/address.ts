/** Addresses in specs: an IP address or a DNS host name. */
import { isIP } from 'node:net';

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export const isHostname = (value: string): boolean => HOSTNAME.test(value);
export const isAddress = (value: string): boolean => isIP(value) !== 0 || isHostname(value);
export const ADDRESS_REASON = 'must be an IP address or a host name';
