/** The kinds that are not policies: Mesh, Dataplane, Secret, MeshService. */
import type { KindDescriptor } from '../kind.js';
import { DataplaneKind } from './dataplane.js';
import { MeshKind } from './mesh.js';
import { MeshServiceKind } from './meshservice.js';
import { SecretKind } from './secret.js';

export const coreKinds: readonly KindDescriptor[] = [MeshKind, DataplaneKind, SecretKind, MeshServiceKind];

export { MeshKind, type MeshSpec } from './mesh.js';
export { DataplaneKind, type DataplaneSpec, SERVICE_TAG, PROTOCOL_TAG, PROTOCOLS, ZONE_TAG } from './dataplane.js';
export { SecretKind, type SecretSpec } from './secret.js';
export { MeshServiceKind, type MeshServiceSpec } from './meshservice.js';
