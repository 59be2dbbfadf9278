/**
 * What the CLI knows of each resource kind without loading the resource model:
 * names, scope and policy traits, written by the build from the kind registry
 * (scripts/build-data.mjs) into kind-catalogue.json beside this module.
 *
 * The registry itself carries every kind's schema, and MeshProxyPatch's pulls
 * in the Envoy protobuf descriptors: loading it costs most of a second, which
 * every `koguma get` would pay before its request. Only `apply`, which
 * validates documents, loads the registry.
 */
import { readFileSync } from 'node:fs';
import type { KindDescriptor, KindRegistry } from '../api/index.js';

/**
 * A kind as the CLI uses it. `indexTags` is present when the kind can be
 * filtered by tag (`--tag`): a function in the registry, `true` in the catalogue.
 */
export interface CliKind extends Pick<
  KindDescriptor,
  'name' | 'plural' | 'pathAliases' | 'shortName' | 'scope' | 'readOnly' | 'policy'
> {
  readonly indexTags?: unknown;
}

/** Kinds by any name a person may type, as KindRegistry.resolve answers. */
export interface KindLookup<K extends CliKind = CliKind> {
  readonly kinds: readonly K[];
  resolve(name: string): K | undefined;
}

const catalogueFile = new URL('./kind-catalogue.json', import.meta.url);

/** The catalogue's content for a registry: what the build writes. */
export function catalogueOf(registry: KindRegistry): CliKind[] {
  return registry.kinds.map((kind) => ({
    name: kind.name,
    plural: kind.plural,
    ...(kind.pathAliases === undefined ? {} : { pathAliases: kind.pathAliases }),
    shortName: kind.shortName,
    scope: kind.scope,
    ...(kind.readOnly === undefined ? {} : { readOnly: kind.readOnly }),
    ...(kind.policy === undefined ? {} : { policy: kind.policy }),
    ...(kind.indexTags === undefined ? {} : { indexTags: true }),
  }));
}

/** A lookup over catalogue entries: by `type` first, then by lower-cased name, plural, other path or short name. */
export function lookupOf(kinds: readonly CliKind[]): KindLookup {
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));
  const byAlias = new Map(
    kinds.flatMap((kind) =>
      [kind.name.toLowerCase(), kind.plural, ...(kind.pathAliases ?? []), kind.shortName]
        .filter((alias) => alias !== '')
        .map((alias) => [alias, kind] as const),
    ),
  );
  return { kinds, resolve: (name) => byName.get(name) ?? byAlias.get(name.toLowerCase()) };
}

let loaded: KindLookup | undefined;

/** The built catalogue, read once. */
export function kindCatalogue(): KindLookup {
  if (loaded !== undefined) return loaded;
  let kinds: CliKind[];
  try {
    kinds = JSON.parse(readFileSync(catalogueFile, 'utf8')) as CliKind[];
  } catch (error) {
    throw new Error(
      `the CLI's kind catalogue is missing or unreadable (${(error as Error).message}); run \`npm run build\``,
      { cause: error },
    );
  }
  loaded = lookupOf(kinds);
  return loaded;
}

/** Policy kinds in the order their plugins apply, as KindRegistry.policies lists them. */
export function policyKinds(lookup: KindLookup): CliKind[] {
  return lookup.kinds.filter((kind) => kind.policy !== undefined).sort((a, b) => a.policy!.order - b.policy!.order);
}
