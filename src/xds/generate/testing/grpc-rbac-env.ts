/**
 * Imported first by tests that load grpc-js-xds: it registers its RBAC HTTP
 * filter only when GRPC_XDS_EXPERIMENTAL_RBAC=true at load time (as `koguma dp
 * run --proxyless` sets it for applications), and ES modules evaluate their
 * imports in order.
 */
process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';
