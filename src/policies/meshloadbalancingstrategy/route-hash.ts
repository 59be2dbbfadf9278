/**
 * MeshLoadBalancingStrategy hash policies as Envoy route `hash_policy`
 * entries: what a consistent-hash load balancer (RingHash, Maglev) hashes to
 * pick an endpoint. Envoy tries them in order and combines the hashes; a
 * `terminal` one that produced a hash stops the list.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  RouteAction_HashPolicy_ConnectionPropertiesSchema,
  RouteAction_HashPolicy_CookieSchema,
  RouteAction_HashPolicy_FilterStateSchema,
  RouteAction_HashPolicy_HeaderSchema,
  RouteAction_HashPolicy_QueryParameterSchema,
  RouteAction_HashPolicySchema,
  type RouteAction_HashPolicy,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { durationMs } from '../core/index.js';
import type { HashPolicy } from './schema.js';

// The schema check (schema.ts) guarantees the sub-object of the policy's type is present.
function specifierOf(policy: HashPolicy): RouteAction_HashPolicy['policySpecifier'] {
  switch (policy.type) {
    case 'Header':
      return {
        case: 'header',
        value: create(RouteAction_HashPolicy_HeaderSchema, { headerName: policy.header?.name ?? '' }),
      };
    case 'Cookie': {
      const cookie = policy.cookie;
      const ttl = cookie?.ttl !== undefined ? { ttl: durationFromMs(durationMs(cookie.ttl)) } : {};
      return {
        case: 'cookie',
        value: create(RouteAction_HashPolicy_CookieSchema, {
          name: cookie?.name ?? '',
          path: cookie?.path ?? '',
          ...ttl,
        }),
      };
    }
    case 'Connection':
      return {
        case: 'connectionProperties',
        value: create(RouteAction_HashPolicy_ConnectionPropertiesSchema, {
          sourceIp: policy.connection?.sourceIP === true,
        }),
      };
    case 'SourceIP':
      return {
        case: 'connectionProperties',
        value: create(RouteAction_HashPolicy_ConnectionPropertiesSchema, { sourceIp: true }),
      };
    case 'QueryParameter':
      return {
        case: 'queryParameter',
        value: create(RouteAction_HashPolicy_QueryParameterSchema, { name: policy.queryParameter?.name ?? '' }),
      };
    case 'FilterState':
      return {
        case: 'filterState',
        value: create(RouteAction_HashPolicy_FilterStateSchema, { key: policy.filterState?.key ?? '' }),
      };
  }
}

export const routeHashPolicyOf = (policy: HashPolicy): RouteAction_HashPolicy =>
  create(RouteAction_HashPolicySchema, { policySpecifier: specifierOf(policy), terminal: policy.terminal === true });
