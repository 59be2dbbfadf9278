/**
 * The TCP proxy network filter: every connection goes to one cluster, bytes
 * copied both ways, nothing parsed.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import type { Filter } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import {
  TcpProxySchema,
  type TcpProxy,
} from '../../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { networkFilter } from './filter-chain.js';

export const TCP_PROXY_NAME = 'envoy.filters.network.tcp_proxy';

export function buildTcpProxy(statPrefix: string, cluster: string): TcpProxy {
  return create(TcpProxySchema, { statPrefix, clusterSpecifier: { case: 'cluster', value: cluster } });
}

export function tcpProxyFilter(tcpProxy: TcpProxy): Filter {
  return networkFilter(TCP_PROXY_NAME, anyPack(TcpProxySchema, tcpProxy));
}
