/**
 * What this control plane serves and applies, in the order plugins apply.
 * Light to import: the CLI loads it to validate documents without loading
 * the server.
 */
export { policyPlugins } from '../policies/plugins.js';
