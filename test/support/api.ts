/**
 * An in-process API server over a memory store, for fastify `inject` tests.
 */
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { kindRegistry } from '../../src/api/index.js';
import { ResourceManager } from '../../src/manager/index.js';
import { buildApiServer } from '../../src/server/index.js';
import { createStore, type ResourceStore } from '../../src/store/index.js';

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  close(): Promise<void>;
}

export async function startTestApi(options: { bodyLimitBytes?: number } = {}): Promise<TestApi> {
  const logger = pino({ level: 'silent' });
  const store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags, logger });
  const manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  const app = await buildApiServer({
    manager,
    registry: kindRegistry,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    index: { product: 'Koguma', version: '0.0.0-test', instanceId: 'test-instance', clusterId: await store.clusterId() },
    config: { store: 'memory' },
  });
  return {
    app,
    store,
    manager,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** A valid Universal dataplane document. */
export function dataplane(mesh: string, name: string, service: string, extraTags: Record<string, string> = {}, port = 8080) {
  return {
    type: 'Dataplane',
    mesh,
    name,
    networking: {
      address: '10.0.0.1',
      inbound: [{ port, servicePort: 80, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http', ...extraTags } }],
    },
  };
}
