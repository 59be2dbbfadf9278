/**
 * Kind names as a person types them on the command line. Any spelling the
 * registry resolves is accepted (`MeshTimeout`, `meshtimeouts`, `mt`); the
 * error for an unknown one lists what would have worked.
 */
import { CliError } from './errors.js';
import type { CliKind, KindLookup } from './kind-catalogue.js';

/** `meshtimeouts (mt)`, one per kind (just the plural when it has no short name), for help texts and errors. */
export function kindSpellings(registry: KindLookup): string[] {
  return registry.kinds.map((kind) => (kind.shortName === '' ? kind.plural : `${kind.plural} (${kind.shortName})`));
}

/** Joins items with ", " into lines of at most `width` characters, each after `indent`. */
export function wrapList(items: readonly string[], width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export function resolveKind<K extends CliKind>(registry: KindLookup<K>, name: string): K {
  const kind = registry.resolve(name);
  if (kind) return kind;
  throw new CliError(`unknown kind ${JSON.stringify(name)}`, [`known kinds: ${kindSpellings(registry).join(', ')}`]);
}
