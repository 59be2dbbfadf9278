/**
 * Public surface of the resource model. The registry of every kind served,
 * policies included, is `kindRegistry` in src/policies: the model does not
 * know the policies built on it.
 */
import { coreKinds } from './kinds/index.js';
import { KindRegistry } from './registry.js';

/** The kinds of the model itself (Mesh, Dataplane, Secret...), for code that reads only those. */
export const coreKindRegistry = new KindRegistry(coreKinds);

export { KindRegistry } from './registry.js';
export type { KindDescriptor, PolicyTraits, Scope, Shape } from './kind.js';
export { KogumaError, httpStatusOf, grpcStatusOf, titleOf, invalidInput, notFound, isKogumaError, type ErrorCode, type InvalidParameter } from './errors.js';
export type { Resource, ResourceDraft, ResourceKey, Labels } from './resource.js';
export { keyOf, describeKey } from './resource.js';
export { documentOf, documentSchema, draftOf } from './document.js';
export { validateDocument, issuesAgainst, fieldPath, type ExpectedIdentity, type ValidDocument } from './validate.js';
export * from './kinds/index.js';
