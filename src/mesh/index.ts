/** Public surface of the mesh engine: per-mesh views and the change-driven rebuild loop. */
export { MeshEngine, nodeIdOf, type ConnectedProxy, type EngineOptions, type ProxySink } from './engine.js';
export { MeshView } from './mesh-view.js';
export { dataplaneModel, type DataplaneModel, type InboundModel } from './dataplane-model.js';
export { meshServiceSelects } from './mesh-service-selector.js';
export { HOSTNAME_SELECTOR_OF, serviceHostnames, type Hostnames, type ServiceHostname } from './hostnames.js';
export { gatewayModelOf, servingGateway } from './serving-gateway.js';
export { meshServiceStatusOf, type MeshServiceAddress, type MeshServiceStatusFacts } from './mesh-service-status.js';
