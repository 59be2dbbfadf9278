/**
 * Checks protobuf-es messages of the Envoy API against the protoc-gen-validate
 * rules their .proto files declare, so that a resource Envoy would NACK for a
 * PGV rule is caught before it is sent, with the path of the offending field.
 *
 * Implemented (validate/validate.proto as shipped with @grpc/grpc-js-xds):
 *   string     const len min_len max_len len_bytes min_bytes max_bytes pattern
 *              prefix suffix contains not_contains in not_in ignore_empty
 *              hostname ip ipv4 ipv6 address uuid well_known_regex (+ strict)
 *   numeric    const lt lte gt gte in not_in, for float double int32 int64
 *              uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64,
 *              and on the google.protobuf wrapper types' value
 *   bool       const
 *   bytes      const len min_len max_len pattern prefix suffix contains in not_in ip ipv4 ipv6
 *   enum       const defined_only in not_in
 *   message    required skip; (validate.disabled) on messages
 *   oneof      (validate.required)
 *   repeated   min_items max_items unique items
 *   map        min_pairs max_pairs no_sparse keys values
 *   any        required in not_in (`required` also on other message fields, as
 *              Envoy's ExtensionConfigSource.config_source uses it); plus: the
 *              packed type must be in the registry (`any.known_type`), and the
 *              packed message is validated in turn
 *   duration   required const lt lte gt gte in not_in
 *   timestamp  required const lt lte gt gte lt_now gt_now within
 *
 * Paths use protobuf field names, `filter_chains[0].filters[1].typed_config.stat_prefix`,
 * map entries as `metadata.filter_metadata["envoy.lb"]`; rules read
 * `<family>.<rule>` (`string.min_len`, `uint32.lte`, `oneof.required`).
 *
 * Not implemented, reported as the violation `unsupported rule` (never a
 * silent pass): string email, uri, uri_ref (the C++ validator Envoy runs lacks
 * them too, and no Envoy message uses them); repeated unique on messages (PGV
 * does not define it); a `pattern` JavaScript cannot compile; any rule field
 * unknown to our validate.proto; rules whose type does not fit the field.
 */
export { validateMessage } from './validate-message.js';
export type { ValidateOptions } from './validate-message.js';
export { UNSUPPORTED_RULE } from './violation.js';
export type { Violation } from './violation.js';
export { envoyFiles, envoyRegistry } from './registry.js';
