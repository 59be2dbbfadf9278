/** Public surface of the resource model. */
import { coreKinds } from './kinds/index.js';
import { KindRegistry } from './registry.js';

/**
 * The kinds that are not policies, for what validates only those (a Dataplane
 * an agent or a node carries). The registry of every kind the control plane
 * serves is assembled by the composition root (cp/catalogue.ts).
 */
export const coreKindRegistry = new KindRegistry(coreKinds);

export { KindRegistry } from './registry.js';
export type { Identified, KindDescriptor, PolicyKindDescriptor, PolicyTraits, Scope, Shape } from './kind.js';
export {
  KogumaError,
  httpStatusOf,
  grpcStatusOf,
  titleOf,
  invalidInput,
  notFound,
  isKogumaError,
  type ErrorCode,
  type InvalidParameter,
} from './errors.js';
export type { Resource, ResourceDraft, ResourceKey, Labels } from './resource.js';
export { keyOf, describeKey } from './resource.js';
export { documentOf, documentSchema, draftOf } from './document.js';
export {
  kriOf,
  kriTypeOf,
  formatKri,
  parseKri,
  type Kri,
  ZONE_LABEL as KRI_ZONE_LABEL,
  NAMESPACE_LABEL,
  DISPLAY_NAME_LABEL,
} from './kri.js';
export { validateDocument, issuesAgainst, fieldPath, type ExpectedIdentity, type ValidDocument } from './validate.js';
export * from './kinds/index.js';
export {
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  Port,
  Strict,
  Uint32,
  Duration,
  DURATION_PATTERN,
  HeaderName,
  HeaderValue,
  ModifiableHeaderName,
  StringEnum,
  Labels as primitivesLabels,
  ReferenceName,
  MeshName,
  Tags,
  Percentage,
  UINT32_MAX,
  AnyCaseHeaderName,
  Int32,
  Int64,
  TAG_PATTERN,
  TagValue,
  ResourceName,
} from './primitives.js';
export { readYamlDocuments, readYaml, readJson } from './bounded-parse.js';
export { parseDuration, formatDuration, durationMs } from './duration.js';
export { formatBytes, INPUT_LIMITS, shapeParameter, stringProblem } from './input-limits.js';
export { defineKind, displayName, pluralOf } from './kind.js';
export { productVersion, basedOnKuma } from './version.js';
export {
  dns1123SubdomainProblem,
  HOSTNAME_TEMPLATE_FIELDS,
  hostnameTemplateProblem,
  parseHostnameTemplate,
  renderHostnameTemplate,
  type HostnameTemplate,
  type HostnameTemplateField,
  type HostnameTemplateValues,
} from './hostname-template.js';
