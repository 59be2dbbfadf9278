/** The kinds that are not policies: meshes, proxies, services, secrets, identities, zones. */
import type { KindDescriptor } from '../kind.js';
import { DataplaneKind } from './dataplane.js';
import { HostnameGeneratorKind } from './hostnamegenerator.js';
import { MeshKind } from './mesh.js';
import { MeshExternalServiceKind } from './meshexternalservice.js';
import { MeshGatewayKind } from './meshgateway.js';
import { MeshMultiZoneServiceKind } from './meshmultizoneservice.js';
import { MeshServiceKind } from './meshservice.js';
import { GlobalSecretKind, SecretKind } from './secret.js';
import { MeshIdentityKind } from './meshidentity.js';
import { MeshOpenTelemetryBackendKind } from './meshopentelemetrybackend.js';
import { MeshTrustKind } from './meshtrust.js';
import { MeshZoneAddressKind } from './meshzoneaddress.js';
import { WorkloadKind } from './workload.js';
import {
  DataplaneInsightKind,
  ZoneEgressInsightKind,
  ZoneIngressInsightKind,
  ZoneInsightKind,
} from './zones/insights.js';
import { ZoneKind } from './zones/zone.js';
import { MeshInsightKind, ServiceInsightKind } from './mesh-insights.js';
import { ZoneEgressKind } from './zones/zoneegress.js';
import { ZoneIngressKind } from './zones/zoneingress.js';

export const coreKinds: readonly KindDescriptor[] = [
  MeshKind,
  DataplaneKind,
  SecretKind,
  MeshServiceKind,
  MeshExternalServiceKind,
  MeshMultiZoneServiceKind,
  MeshGatewayKind,
  HostnameGeneratorKind,
  MeshIdentityKind,
  MeshTrustKind,
  MeshZoneAddressKind,
  MeshOpenTelemetryBackendKind,
  WorkloadKind,
  GlobalSecretKind,
  ZoneKind,
  ZoneIngressKind,
  ZoneEgressKind,
  DataplaneInsightKind,
  ZoneInsightKind,
  ZoneIngressInsightKind,
  ZoneEgressInsightKind,
  MeshInsightKind,
  ServiceInsightKind,
];

export { MeshKind, type MeshSpec } from './mesh.js';
export { DataplaneKind, type DataplaneSpec, SERVICE_TAG, PROTOCOL_TAG, PROTOCOLS, ZONE_TAG } from './dataplane.js';
export { SecretKind, GlobalSecretKind, type SecretSpec } from './secret.js';
export { MeshServiceKind, type MeshServiceSpec } from './meshservice.js';
export { MeshExternalServiceKind, type MeshExternalServiceSpec } from './meshexternalservice.js';
export { MeshMultiZoneServiceKind, type MeshMultiZoneServiceSpec } from './meshmultizoneservice.js';
export { MeshGatewayKind, type MeshGatewaySpec } from './meshgateway.js';
export { HostnameGeneratorKind, type HostnameGeneratorSpec } from './hostnamegenerator.js';
export { MeshIdentityKind, type MeshIdentitySpec } from './meshidentity.js';
export { MeshTrustKind, type MeshTrustSpec } from './meshtrust.js';
export { MeshZoneAddressKind, type MeshZoneAddressSpec } from './meshzoneaddress.js';
export { MeshOpenTelemetryBackendKind, type MeshOpenTelemetryBackendSpec } from './meshopentelemetrybackend.js';
export { WorkloadKind } from './workload.js';
export { ZoneKind } from './zones/zone.js';
export { ZoneIngressKind, type ZoneIngressSpec } from './zones/zoneingress.js';
export { ZoneEgressKind, type ZoneEgressSpec } from './zones/zoneegress.js';
export {
  DataplaneInsightKind,
  ZoneInsightKind,
  ZoneIngressInsightKind,
  ZoneEgressInsightKind,
} from './zones/insights.js';
export { MeshInsightKind, ServiceInsightKind } from './mesh-insights.js';
