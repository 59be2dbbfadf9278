/**
 * Header edits on a route: headers to set (replacing any value), to add
 * (appending to any value) and to remove, for requests or responses.
 */
import { create } from '@bufbuild/protobuf';
import {
  HeaderValueOption_HeaderAppendAction,
  HeaderValueOptionSchema,
  type HeaderValueOption,
} from '../../envoy/gen/envoy/config/core/v3/base_pb.js';

export interface HeaderMutationInput {
  readonly set?: readonly { readonly name: string; readonly value: string }[];
  readonly add?: readonly { readonly name: string; readonly value: string }[];
  readonly remove?: readonly string[];
}

const option = (name: string, value: string, appendAction: HeaderValueOption_HeaderAppendAction): HeaderValueOption =>
  create(HeaderValueOptionSchema, { header: { key: name, value }, appendAction });

/** The `*_headers_to_add` entries of a mutation: sets overwrite, adds append. */
export function headersToAdd(mutation: HeaderMutationInput): HeaderValueOption[] {
  return [
    ...(mutation.set ?? []).map((h) =>
      option(h.name, h.value, HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
    ),
    ...(mutation.add ?? []).map((h) =>
      option(h.name, h.value, HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD),
    ),
  ];
}
