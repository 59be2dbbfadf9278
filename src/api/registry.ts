/**
 * The kind registry: every resource kind the control plane knows, looked up by
 * `type`, by REST plural, or by any name a person may type on the CLI.
 */
import type { KindDescriptor } from './kind.js';

/** Every lower-case name the CLI accepts for a kind; kinds Kuma gives no short name have none. */
export const spellingsOf = (kind: KindDescriptor): string[] =>
  [kind.name.toLowerCase(), kind.plural, ...(kind.pathAliases ?? []), kind.shortName].filter((alias) => alias !== '');

export class KindRegistry {
  readonly kinds: readonly KindDescriptor[];
  private readonly byName = new Map<string, KindDescriptor>();
  private readonly byPlural = new Map<string, KindDescriptor>();
  private readonly byAlias = new Map<string, KindDescriptor>();

  constructor(kinds: readonly KindDescriptor[]) {
    this.kinds = kinds;
    for (const kind of kinds) {
      for (const [index, key] of [
        [this.byName, kind.name],
        ...[kind.plural, ...(kind.pathAliases ?? [])].map((path) => [this.byPlural, path] as const),
      ] as const) {
        if (index.has(key)) throw new Error(`kind registry: "${key}" is registered twice`);
        index.set(key, kind);
      }
      for (const alias of spellingsOf(kind)) {
        const taken = this.byAlias.get(alias);
        if (taken && taken !== kind)
          throw new Error(`kind registry: alias "${alias}" names ${taken.name} and ${kind.name}`);
        this.byAlias.set(alias, kind);
      }
    }
  }

  /** By the `type` field: `MeshTimeout`. */
  byType(type: string): KindDescriptor | undefined {
    return this.byName.get(type);
  }

  /** By the REST path segment: `meshtimeouts`, or an alternative path such as `global-secrets`. */
  byPath(plural: string): KindDescriptor | undefined {
    return this.byPlural.get(plural);
  }

  /** By any CLI spelling: `MeshTimeout`, `meshtimeout`, `meshtimeouts`, `mt`. */
  resolve(name: string): KindDescriptor | undefined {
    return this.byName.get(name) ?? this.byAlias.get(name.toLowerCase());
  }

  get policies(): KindDescriptor[] {
    return this.kinds.filter((k) => k.policy !== undefined).sort((a, b) => a.policy!.order - b.policy!.order);
  }

  /** Store-side tag index for `?tag=` filters. */
  readonly indexTags = (kind: string, spec: unknown): string[] => {
    const descriptor = this.byName.get(kind);
    return descriptor?.indexTags ? descriptor.indexTags(spec as Record<string, unknown>) : [];
  };
}
