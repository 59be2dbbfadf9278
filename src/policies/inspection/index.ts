/** Public surface of src/policies/inspection: what other folders import from it. */
export { proxyRulesOf } from './rules.js';
export { dataplaneLayout, type DataplaneLayout } from './layout.js';
export { badRequest, parseKri, formatKri, kriOf, type Kri, type ShortTypeOf } from './kri.js';
export {
  inboundPolicies,
  outboundPolicies,
  outboundRoutes,
  proxyPolicies,
  routePolicies,
  type InboundPolicyConf,
  type PolicyConf,
  type RouteConf,
} from './kuma-policies.js';
export { destinationOf, inboundOf, routeOf } from './identified.js';
export { kumaRulesOf } from './kuma-rules.js';
