/**
 * The policy test kit: what the tests of every policy kind share, so a
 * policy folder keeps only what is particular to its own kind.
 *
 *   stored policies, matches ─► a test proxy ─► proxy build ─► configuration
 *   (policies.ts)               (*-proxy.ts)    (proxy-build.ts)     │
 *                                               or one plugin run    ├─ Envoy judge: PGV rules (envoy-validation.ts)
 *                                               (plugin-run.ts)      ├─ gRPC judge: grpc-js-xds (grpc-decoding.ts)
 *                                                                    ├─ read as JSON (config-json.ts)
 *                                                                    └─ golden files (golden.ts, golden-cases.ts)
 *
 * Importing this index loads grpc-js-xds, which registers its RBAC filter only
 * if GRPC_XDS_EXPERIMENTAL_RBAC is set when it loads: a test that imports
 * grpc-js-xds itself imports the kit first. Loading grpc-js-xds costs a test
 * process over a second of CPU, so a test that needs none of the configuration
 * checks imports the one module it uses instead: documents.ts (schema tests),
 * policies.ts (rule tests) or golden.ts.
 * Not imported by production code.
 */
import '../../../xds/generate/testing/grpc-rbac-env.js';

export * from './grpc-decoding.js';
export * from './checked-config.js';
export * from './config-json.js';
export * from './documents.js';
export * from './envoy-validation.js';
export * from './frontend-proxy.js';
export * from './golden-cases.js';
export * from './golden.js';
export * from './header-match.js';
export * from './inbound-side-proxy.js';
export * from './plugin-run.js';
export * from './policies.js';
export * from './proxy-build.js';
export * from './three-protocol-proxy.js';
export * from './two-zone-proxy.js';
