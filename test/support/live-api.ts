/**
 * An API server listening on 127.0.0.1 over a memory store, with the
 * insight index the control plane gives it (proxy events, NACKs, instances,
 * overview filters), for tests that need real HTTP (event streams, files).
 * `writeInsight` stores a DataplaneInsight as an instance holding the
 * proxy's stream would.
 */
import { kindRegistry } from '../../src/cp/catalogue.js';
import { InsightIndex, proxiesByInstance, type DataplaneInsightSpec } from '../../src/insights/index.js';
import type { ApiServerOptions } from '../../src/server/index.js';
import { startTestApi, type TestApi, type TestApiOptions } from './api.js';

export const LIVE_INSTANCE = 'test-instance';

export interface LiveApi extends TestApi {
  readonly url: string;
  readonly index: InsightIndex;
  writeInsight(mesh: string, name: string, spec: DataplaneInsightSpec): Promise<void>;
}

export async function startLiveApi(
  more: Partial<ApiServerOptions> = {},
  options: Omit<TestApiOptions, 'more'> = {},
): Promise<LiveApi> {
  let index: InsightIndex | undefined;
  const api = await startTestApi({
    ...options,
    more: (store) => {
      index = new InsightIndex({ store, kinds: kindRegistry.kinds.map((kind) => kind.name) });
      const insights = index;
      return {
        inspection: { status: { get: () => undefined }, snapshots: { get: () => undefined }, insights },
        insights: { index: insights, kinds: [] },
        proxyChanges: insights,
        instances: {
          list: () => store.leases(LIVE_INSTANCE).instances(),
          proxiesByInstance: () => proxiesByInstance(insights.insightRecords()),
          instanceTtlMs: 30_000,
          self: LIVE_INSTANCE,
        },
        ...more,
      };
    },
  });
  await index!.start();
  const url = (await api.app.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', '127.0.0.1');
  return {
    ...api,
    url,
    index: index!,
    writeInsight: async (mesh, name, spec) => {
      await api.store.writeRecords('DataplaneInsight', [{ mesh, name }], () => ({ spec: { ...spec } }));
      await api.store.delivered(await api.store.head());
      await index!.settled();
    },
    close: async () => {
      index!.stop();
      await api.close();
    },
  };
}
