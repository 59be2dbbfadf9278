/** Public surface of the resource model. */
import { policyKinds } from '../policies/index.js';
import { coreKinds } from './kinds/index.js';
import { KindRegistry } from './registry.js';

/** Every kind this control plane serves. */
export const kindRegistry = new KindRegistry([...coreKinds, ...policyKinds]);

export { KindRegistry } from './registry.js';
export type { KindDescriptor, PolicyTraits, Scope, Shape } from './kind.js';
export { KogumaError, httpStatusOf, grpcStatusOf, titleOf, invalidInput, notFound, isKogumaError, type ErrorCode, type InvalidParameter } from './errors.js';
export type { Resource, ResourceDraft, ResourceKey, Labels } from './resource.js';
export { keyOf, describeKey } from './resource.js';
export { documentOf, documentSchema, draftOf } from './document.js';
export { validateDocument, issuesAgainst, fieldPath, type ExpectedIdentity, type ValidDocument } from './validate.js';
export * from './kinds/index.js';
