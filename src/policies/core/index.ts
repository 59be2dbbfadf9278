/** Public surface of src/policies/core: what other folders import from it. */
export { type MatchedPolicy, selectInOrder, sortByPriority, resolveTopLevelDefault } from './match.js';
export { fromEntries, isShadow, ruleEntries, toEntries, topLevelTargetRef } from './policy-spec.js';
export {
  type MeshServiceMembership,
  type ProxyDescription,
  type RouteIdentity,
  type ServingGateway,
  selectProxy,
} from './selection.js';
export { checkPolicyTargetRefs, definePolicy } from './define-policy.js';
export type { PluginContext, PolicyPlugin } from './plugin.js';
export type { PolicyModule } from './policy-module.js';
export {
  FROM_KINDS,
  TARGET_REF_KINDS,
  TargetRef,
  type TargetRefKind,
  TO_KINDS,
  TOP_LEVEL_KINDS,
  TO_OR_ROUTE_KINDS,
  TOP_LEVEL_PROXY_KINDS,
  FROM_SERVICE_KINDS,
  checkTargetRef,
  SIDECAR_TOP_LEVEL_KINDS,
} from './targetref.js';
export {
  fromRules,
  inboundRules,
  resolveCatchAll,
  policiesForInbound,
  type FromRule,
  type InboundRule,
} from './from-rules.js';
export {
  configuresRoutes,
  routeNameOf,
  routeOrigins,
  isRouteEntry,
  routeResolutionsOf,
  outboundRouteConfsOf,
} from './route-origins.js';
export {
  resolveTo,
  resolveToRoute,
  serviceDestination,
  targetsRoutes,
  type Destination,
  type DestinationKind,
  toEntriesFor,
} from './to-rules.js';
export { policyModule } from './policy-module.js';
export { HOST_PATTERN } from './address.js';
export { checkOtelTarget, otelTargetProperties } from './otel.js';
export { durationMs, PositiveDuration } from './durations.js';
export { checkSomeSection } from './sections.js';
export { callerGroups, callerMatchers, groupLabel, callerMatcher } from './callers.js';
export { checkGatewayOnlyTo } from './gateway.js';
export { HttpStatus } from './http-status.js';
export { HeaderSetAdd, HeaderMatch, headerSetAddProperties, ModifiableHeaderName, HeaderName } from './headers.js';
export { BackendRef, BACKEND_REF_KINDS, checkBackendRefs, checkRouteDestination } from './backend-ref.js';
export { mergeConfs } from './merge.js';
export { isValidRegex } from './regex.js';
export { selectorKey, selectorMatches } from './tag-selector.js';
export { roleAdmits } from './role-scope.js';
