/** The kinds that are not policies: meshes, proxies, services, secrets, identities, zones. */
import type { KindDescriptor } from '../kind.js';
import { DataplaneKind } from './dataplane.js';
import { HostnameGeneratorKind } from './hostnamegenerator.js';
import { MeshKind } from './mesh.js';
import { MeshExternalServiceKind } from './meshexternalservice.js';
import { MeshGatewayKind } from './meshgateway.js';
import { MeshMultiZoneServiceKind } from './meshmultizoneservice.js';
import { MeshServiceKind } from './meshservice.js';
import { SecretKind } from './secret.js';

export const coreKinds: readonly KindDescriptor[] = [
  MeshKind,
  DataplaneKind,
  SecretKind,
  MeshServiceKind,
  MeshExternalServiceKind,
  MeshMultiZoneServiceKind,
  MeshGatewayKind,
  HostnameGeneratorKind,
];

export { MeshKind, type MeshSpec } from './mesh.js';
export { DataplaneKind, type DataplaneSpec, SERVICE_TAG, PROTOCOL_TAG, PROTOCOLS, ZONE_TAG } from './dataplane.js';
export { SecretKind, type SecretSpec } from './secret.js';
export { MeshServiceKind, type MeshServiceSpec } from './meshservice.js';
export { MeshExternalServiceKind, type MeshExternalServiceSpec } from './meshexternalservice.js';
export { MeshMultiZoneServiceKind, type MeshMultiZoneServiceSpec } from './meshmultizoneservice.js';
export { MeshGatewayKind, type MeshGatewaySpec } from './meshgateway.js';
export { HostnameGeneratorKind, type HostnameGeneratorSpec } from './hostnamegenerator.js';
