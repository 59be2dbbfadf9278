/**
 * The consistency gate: a proxy's snapshot is published only when every name
 * it refers to is in it (xds/snapshot-consistency.ts). A snapshot that fails
 * is not served: the proxy keeps its last published configuration (one that
 * never had any gets none), and why stays here, for the dataplane's
 * `_overview`, until a build of that proxy passes again.
 *
 *   build ─► snapshot ─► admits? ─ yes ─► cache (and any earlier problems cleared)
 *                                └ no ──► held: problems kept, logged once per distinct set
 *
 * A dangling reference is a generator or policy bug (a MeshProxyPatch that
 * removes a cluster its routes still use), not something the proxy can work
 * around, so it is logged at error level, but only when the set of problems
 * changes: a mesh-wide rebuild that keeps failing the same way logs nothing more.
 */
import { snapshotProblems, type Snapshot } from '../index.js';

/** Why a proxy's latest configuration was not published. */
export interface HeldConfiguration {
  /** Each reference that does not resolve, in words. */
  readonly problems: readonly string[];
  /** When a build first failed with these problems. */
  readonly since: Date;
}

/** The log calls the gate makes; a pino Logger fits. */
export interface ConsistencyGateLog {
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface ConsistencyGateOptions {
  readonly log?: ConsistencyGateLog;
  readonly now?: () => Date;
}

export class ConsistencyGate {
  private readonly held = new Map<string, HeldConfiguration>();

  constructor(private readonly options: ConsistencyGateOptions = {}) {}

  /**
   * Whether the proxy's new snapshot may be published; when not, the problems
   * are kept (and logged when new). `published` is the snapshot the proxy is
   * served now, which passed this gate: only what changed since is read.
   */
  admits(nodeId: string, snapshot: Snapshot, published?: Snapshot): boolean {
    const problems = snapshotProblems(snapshot, published);
    const last = this.held.get(nodeId);
    if (problems.length === 0) {
      if (last !== undefined) {
        this.held.delete(nodeId);
        this.options.log?.info({ nodeId }, `the configuration of ${nodeId} is consistent again and published`);
      }
      return true;
    }
    if (last === undefined || !sameProblems(last.problems, problems)) {
      this.held.set(nodeId, { problems, since: this.options.now?.() ?? new Date() });
      this.options.log?.error(
        { nodeId, problems },
        `configuration of ${nodeId} not published, the proxy keeps its last one: ${problems.join('; ')}`,
      );
    }
    return false;
  }

  /** Why the proxy's latest configuration was not published; undefined when it was. */
  heldOf(nodeId: string): HeldConfiguration | undefined {
    return this.held.get(nodeId);
  }

  /** The proxy is gone or disconnected: its next build starts afresh. */
  forget(nodeId: string): void {
    this.held.delete(nodeId);
  }
}

const sameProblems = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((problem, i) => problem === b[i]);
