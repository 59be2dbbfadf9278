/**
 * A control plane for one fixture, composed as `koguma cp run --store memory`
 * composes it, whose store holds exactly the fixture's documents: written
 * straight into the store (not through the REST API, so read-only kinds such
 * as insights load too, as in Kuma's own test), after everything the control
 * plane created by itself on start (the default mesh, its policies and keys)
 * is removed. What the control plane then derives from the documents and
 * stores (a CA, say) is removed too: Kuma's test store holds only the fixture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import type { ResourceDraft, ResourceKey } from '../../src/api/index.js';
import { draftOf } from '../../src/api/index.js';
import type { ResourceStore } from '../../src/store/index.js';

export interface FixtureServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, as Kuma's normalisation replaces it. */
  readonly address: string;
  close(): Promise<void>;
}

const slot = (key: ResourceKey): string => `${key.kind}/${key.mesh}/${key.name}`;

/** A fixture document as the store keeps it, for kinds Koguma knows and for those it does not (yet). */
function draftFromDocument(document: Record<string, unknown>): ResourceDraft {
  const type = String(document['type']);
  const kind = kindRegistry.byType(type);
  const status = document['status'];
  if (kind) {
    const draft = draftOf(kind, document);
    return status === undefined ? draft : { ...draft, status };
  }
  const { type: _type, mesh, name, labels, creationTime: _c, modificationTime: _m, spec, ...flat } = document;
  return {
    kind: type,
    mesh: typeof mesh === 'string' ? mesh : '',
    name: String(name),
    labels: (labels as Record<string, string> | undefined) ?? {},
    spec: (spec as Record<string, unknown> | undefined) ?? flat,
    ...(status === undefined ? {} : { status }),
  };
}

/** Every stored resource of every kind the registry knows, plus those of `extraKinds`. */
async function everything(store: ResourceStore, extraKinds: Iterable<string>): Promise<ResourceKey[]> {
  const kinds = new Set([...kindRegistry.kinds.map((k) => k.name), ...extraKinds]);
  const found: ResourceKey[] = [];
  for (const kind of kinds) {
    const page = await store.list({ kind, offset: 0, limit: 100_000 });
    found.push(...page.items.map((r) => ({ kind: r.kind, mesh: r.mesh, name: r.name })));
  }
  return found;
}

/** Deletes what is stored and not in `keep`: meshes first (they cascade), then the rest still there. */
async function removeAllBut(store: ResourceStore, keep: ReadonlySet<string>, extraKinds: Iterable<string>) {
  const unwanted = (await everything(store, extraKinds)).filter((key) => !keep.has(slot(key)));
  const meshesFirst = [...unwanted].sort((a, b) => Number(b.kind === 'Mesh') - Number(a.kind === 'Mesh'));
  for (const key of meshesFirst) if (await store.get(key)) await store.delete(key);
}

export async function startFixtureServer(
  documents: readonly Record<string, unknown>[],
  mode: 'zone' | 'global' = 'zone',
): Promise<FixtureServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koguma-kuma-fixture-'));
  let cp: RunningControlPlane | undefined;
  try {
    const config = resolveConfig(
      { store: 'memory', apiPort: '0', xdsPort: '0', xdsTls: 'false', dataDir, instanceId: 'kuma-fixtures', mode },
      {},
    );
    cp = await startControlPlane(config, { logger: pino({ level: 'silent' }) });
    const drafts = documents.filter((d) => typeof d['type'] === 'string').map(draftFromDocument);
    const kinds = new Set(drafts.map((d) => d.kind));
    await cp.settled();
    await removeAllBut(cp.store, new Set(), kinds);
    // Meshes before what lives in them.
    const ordered = [...drafts].sort((a, b) => Number(b.kind === 'Mesh') - Number(a.kind === 'Mesh'));
    await cp.store.createAll(ordered);
    await cp.settled();
    await removeAllBut(cp.store, new Set(drafts.map(slot)), kinds);
    await cp.settled();
    const url = cp.apiUrl;
    const running = cp;
    return {
      url,
      address: new URL(url).host,
      close: async () => {
        await running.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await cp?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
