/**
 * The resource manager: the one path by which resources are written. It
 * validates a document against its kind, adds the labels Kuma computes on
 * write (computed-labels.ts), checks what needs the store (the mesh exists), writes atomically with optimistic concurrency, and creates a
 * new mesh together with its default policies and its dataplane-token signing
 * key in one transaction (so no mesh ever exists without a key).
 * The REST API, the CLI's server side and the control plane's own writers
 * (default mesh, dataplane registration) all go through it.
 */
import {
  KogumaError,
  invalidInput,
  notFound,
  type KindDescriptor,
  type KindRegistry,
  describeKey,
  type Resource,
  type ResourceDraft,
  type ResourceKey,
  validateDocument,
  type ExpectedIdentity,
} from '../api/index.js';
import type { ListPage, ListQuery, ResourceStore } from '../store/index.js';
import { signingKeyDrafts } from '../auth/index.js';
import { providedCaIssues, type MeshMtlsSpec } from '../mtls/index.js';
import { computeLabels, immutableLabelIssues, labelIssues, type ControlPlaneMode } from './computed-labels.js';
import { defaultHostnameGenerators } from './hostname-generator-defaults.js';
import { initialPolicyDrafts } from './mesh-defaults.js';

export interface PutResult {
  readonly created: boolean;
  readonly resource: Resource;
  /** Deprecations the kind finds in the document; it was stored all the same. */
  readonly warnings: readonly string[];
}

export interface PutOptions {
  /**
   * Runs every check a write runs (document, labels, mesh, CAs, what is
   * stored) and answers as the write would, but stores nothing: the answer's
   * resource is what would have been stored, at the version it would have had.
   */
  readonly dryRun?: boolean;
}

export const DEFAULT_MESH = 'default';

function refuseReadOnly(kind: KindDescriptor | undefined): void {
  if (kind?.readOnly) throw new KogumaError('ReadOnly', `${kind.name} resources are written by the control plane only`);
}
/** What a write of `draft` over `current` would store, for a dry run. */
function wouldStore(draft: ResourceDraft, current: Resource | undefined): Resource {
  const now = new Date();
  return {
    ...draft,
    version: (current?.version ?? 0) + 1,
    creationTime: current?.creationTime ?? now,
    modificationTime: now,
  };
}
const meshKey = (name: string): ResourceKey => ({ kind: 'Mesh', mesh: '', name });

export class ResourceManager {
  constructor(
    readonly store: ResourceStore,
    readonly registry: KindRegistry,
    /** Zone or global: which labels writes get (computed-labels.ts) and how services are inspected. */
    readonly mode: ControlPlaneMode = 'zone',
  ) {}

  /** Creates or replaces the resource a document describes. */
  async put(document: unknown, expected: ExpectedIdentity = {}, options: PutOptions = {}): Promise<PutResult> {
    // A read-only kind is refused whatever the body holds, as Kuma refuses it.
    if (expected.kind !== undefined) refuseReadOnly(this.registry.byType(expected.kind));
    const { kind, draft: written } = validateDocument(this.registry, document, expected);
    refuseReadOnly(kind);
    const labelProblems = labelIssues(written, this.mode);
    if (labelProblems.length > 0) throw invalidInput(labelProblems);
    const draft = { ...written, labels: computeLabels(kind, written, this.mode) };
    if (kind.scope === 'Mesh' && !(await this.meshExists(draft.mesh)))
      throw new KogumaError(
        'InvalidInput',
        'Mesh is not found',
        [{ field: 'mesh', reason: `mesh of name ${draft.mesh} is not found` }],
        'Could not create a resource',
      );
    if (kind.name === 'Mesh') await this.checkMeshCas(draft);
    const warnings = kind.warnings?.(draft) ?? [];
    const current = await this.store.get(draft);
    if (current) {
      const changed = immutableLabelIssues(current.labels, draft.labels);
      if (changed.length > 0)
        throw new KogumaError('InvalidInput', 'Resource is not valid', changed, 'Could not update a resource');
      // Status belongs to the control plane: a user's replacement keeps it.
      const replacement = current.status === undefined ? draft : { ...draft, status: current.status };
      if (options.dryRun === true) return { created: false, resource: wouldStore(replacement, current), warnings };
      return { created: false, resource: await this.store.update(replacement, current.version), warnings };
    }
    if (options.dryRun === true) return { created: true, resource: wouldStore(draft, undefined), warnings };
    if (kind.name === 'Mesh') return { created: true, resource: await this.createMesh(draft), warnings };
    return { created: true, resource: await this.store.create(draft), warnings };
  }

  async get(key: ResourceKey): Promise<Resource> {
    const kind = this.kindOf(key.kind);
    if (kind.scope === 'Mesh') await this.requireMesh(key.mesh);
    const resource = await this.store.get(key);
    if (!resource) throw notFound(describeKey(key));
    return resource;
  }

  async list(query: ListQuery): Promise<ListPage> {
    const kind = this.kindOf(query.kind);
    if (kind.scope === 'Mesh' && query.mesh !== undefined && !(await this.meshExists(query.mesh)))
      // Kuma's words: the title says what is missing.
      throw new KogumaError('NotFound', 'Not found', [], 'Failed to retrieve Mesh');
    return this.store.list(query);
  }

  async delete(key: ResourceKey): Promise<void> {
    const kind = this.kindOf(key.kind);
    refuseReadOnly(kind);
    if (kind.scope === 'Mesh') await this.requireMesh(key.mesh);
    await this.store.delete(key);
  }

  /** Creates the `default` mesh with its policies on first start; a no-op after. */
  async ensureDefaultMesh(): Promise<void> {
    const key = { kind: 'Mesh', mesh: '', name: DEFAULT_MESH };
    if (await this.store.get(key)) return;
    try {
      const draft = { ...key, labels: {}, spec: {} };
      await this.createMesh({ ...draft, labels: computeLabels(this.kindOf('Mesh'), draft, this.mode) });
    } catch (error) {
      // Another instance sharing the store created it first: that is the goal.
      if (!(error instanceof KogumaError && error.code === 'Conflict')) throw error;
    }
  }

  /**
   * Creates the zone's default HostnameGenerators that are missing
   * (hostname-generator-defaults.ts). A global control plane has none of a
   * zone's: those it would give zones come with multi-zone synchronisation.
   */
  async ensureDefaultHostnameGenerators(): Promise<void> {
    if (this.mode === 'global') return;
    for (const draft of defaultHostnameGenerators) {
      if (await this.store.get(draft)) continue;
      try {
        await this.store.createAll([{ ...draft, labels: computeLabels(this.kindOf(draft.kind), draft, this.mode) }]);
      } catch (error) {
        // Another instance sharing the store created it first.
        if (!(error instanceof KogumaError && error.code === 'Conflict')) throw error;
      }
    }
  }

  private async createMesh(draft: ResourceDraft): Promise<Resource> {
    const skip = (draft.spec['skipCreatingInitialPolicies'] as string[] | undefined) ?? [];
    const [mesh] = await this.store.createAll([
      draft,
      ...initialPolicyDrafts(draft.name, skip).map((policy) => ({
        ...policy,
        labels: computeLabels(this.kindOf(policy.kind), policy, this.mode),
      })),
      ...signingKeyDrafts(draft.name),
    ]);
    return mesh!;
  }

  /** A provided CA that is not a CA, not valid now, or not matching its key is refused before anything is stored. */
  private async checkMeshCas(draft: ResourceDraft): Promise<void> {
    const issues = await providedCaIssues(this.store, draft.name, draft.spec['mtls'] as MeshMtlsSpec | undefined);
    if (issues.length > 0)
      throw new KogumaError('InvalidInput', `Mesh "${draft.name}" names a CA that cannot be used`, issues);
  }

  private async requireMesh(mesh: string): Promise<void> {
    if (!(await this.meshExists(mesh))) throw notFound(describeKey(meshKey(mesh)));
  }

  private async meshExists(mesh: string): Promise<boolean> {
    return (await this.store.get(meshKey(mesh))) !== undefined;
  }

  private kindOf(name: string): KindDescriptor {
    const kind = this.registry.byType(name);
    if (!kind) throw new KogumaError('NotFound', `unknown kind "${name}"`);
    return kind;
  }
}
