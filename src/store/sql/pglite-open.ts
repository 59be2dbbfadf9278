/**
 * Opens a PGlite database: in `pgdata` on disk, or in memory. A new database
 * starts from the template (pglite-template.ts) when there is one.
 *
 * Files on disk are owner-only. PGlite reaches the disk through Emscripten's
 * NODEFS, which creates every file and then chmods it to the mode the WASM
 * side asked for, 0666 by default: a chmod is not filtered by the process
 * umask, so the umask alone leaves the database world-readable. The file
 * system below strips group and other bits from every mode NODEFS applies.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { unpackTemplate } from './pglite-template.js';

type EmscriptenOptions = Parameters<NodeFS['init']>[1];
type PreRunStep = NonNullable<EmscriptenOptions['preRun']>[number];

/** The parts of Emscripten's NODEFS that set modes (not in PGlite's types). */
interface NodeFsOps {
  node_ops: {
    mknod(parent: unknown, name: string, mode: number, dev: number): unknown;
    setattr(node: unknown, attr: { mode?: number }): void;
  };
  stream_ops: {
    setattr(stream: unknown, attr: { mode?: number }): void;
  };
}

const ownerOnly = (mode: number): number => mode & ~0o077;
const ownerOnlyAttr = <A extends { mode?: number }>(attr: A): A =>
  attr.mode === undefined ? attr : { ...attr, mode: ownerOnly(attr.mode) };

/** NODEFS with group and other permission bits stripped from every mode it sets. */
class OwnerOnlyNodeFS extends NodeFS {
  override async init(pg: PGlite, options: EmscriptenOptions): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, options);
    const restrict: PreRunStep = (module) => {
      const { node_ops: nodeOps, stream_ops: streamOps } = (module as unknown as { NODEFS: NodeFsOps }).NODEFS;
      const { mknod, setattr } = nodeOps;
      const setStreamAttr = streamOps.setattr;
      nodeOps.mknod = (parent, name, mode, dev) => mknod(parent, name, ownerOnly(mode), dev);
      nodeOps.setattr = (node, attr) => setattr(node, ownerOnlyAttr(attr));
      streamOps.setattr = (stream, attr) => setStreamAttr(stream, ownerOnlyAttr(attr));
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), restrict] } };
  }
}

/**
 * Opens the database in `pgdata` (created owner-only when missing), or in
 * memory when `pgdata` is undefined; `template` is the template's path, if any.
 */
export async function openPglite(pgdata: string | undefined, template: string | undefined): Promise<PGlite> {
  if (pgdata === undefined) {
    return PGlite.create(template === undefined ? {} : { loadDataDir: new Blob([readFileSync(template)]) });
  }
  if (template === undefined || !unpackTemplate(template, pgdata))
    await mkdir(pgdata, { recursive: true, mode: 0o700 });
  return PGlite.create({ fs: new OwnerOnlyNodeFS(pgdata) });
}
