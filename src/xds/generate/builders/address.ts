/**
 * Addresses and config sources: the two small shapes every other builder
 * embeds. A socket address is TCP with a numeric port; every resource this
 * control plane serves is fetched over the one ADS stream, so the only config
 * source is `ads: {}` at API version V3.
 */
import { create } from '@bufbuild/protobuf';
import { AddressSchema, type Address } from '../../envoy/gen/envoy/config/core/v3/address_pb.js';
import {
  ApiVersion,
  ConfigSourceSchema,
  type ConfigSource,
} from '../../envoy/gen/envoy/config/core/v3/config_source_pb.js';

/** A TCP socket address `address:port`. */
export function socketAddress(address: string, port: number): Address {
  return create(AddressSchema, {
    address: { case: 'socketAddress', value: { address, portSpecifier: { case: 'portValue', value: port } } },
  });
}

/** `{ads: {}, resource_api_version: V3}`: fetch over the aggregated stream the proxy already has. */
export function adsConfigSource(): ConfigSource {
  return create(ConfigSourceSchema, {
    configSourceSpecifier: { case: 'ads', value: {} },
    resourceApiVersion: ApiVersion.V3,
  });
}
