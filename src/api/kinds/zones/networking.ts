/** What the zone proxies' networking sections share, and the checks on them. */
import { Type } from '@sinclair/typebox';
import type { InvalidParameter } from '../../errors.js';
import { Port, Strict } from '../../primitives.js';
import { ADDRESS_REASON, isAddress } from '../address.js';

export const Admin = Type.Optional(Strict({ port: Port({ description: "Port of the proxy's Envoy admin API." }) }));

export interface ZoneProxyNetworking {
  readonly address?: string;
  readonly advertisedAddress?: string;
  readonly port: number;
  readonly advertisedPort?: number;
  readonly admin?: { readonly port: number };
}

export function checkZoneProxyNetworking(net: ZoneProxyNetworking): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  for (const field of ['address', 'advertisedAddress'] as const) {
    const value = net[field];
    if (value !== undefined && !isAddress(value)) issues.push({ field: `networking.${field}`, reason: ADDRESS_REASON });
  }
  if (net.advertisedPort !== undefined && net.advertisedAddress === undefined)
    issues.push({ field: 'networking.advertisedAddress', reason: 'is required with advertisedPort' });
  if (net.advertisedAddress !== undefined && net.advertisedPort === undefined)
    issues.push({ field: 'networking.advertisedPort', reason: 'is required with advertisedAddress' });
  if (net.admin !== undefined && net.admin.port === net.port)
    issues.push({ field: 'networking.admin.port', reason: 'must differ from networking.port' });
  return issues;
}
