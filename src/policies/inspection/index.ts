/** Public surface of src/policies/inspection: what other folders import from it. */
export { proxyRulesOf } from './rules.js';
