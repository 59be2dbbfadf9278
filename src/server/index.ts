/** Public surface of the REST API server. */
export { buildApiServer, type ApiServerOptions } from './api-server.js';
export { errorBody, type ErrorBody } from './errors.js';
export { isLoopback, type ApiAccess } from './access.js';
export type { IndexInfo } from './routes/info.js';
export type { Inspection, ProxyStatusReader } from './routes/inspect.js';
export type { ApiMetrics } from './routes/metrics.js';
