/**
 * Kuma's tag-subset rules, as its `_rules` lists `toRules`: each `to[]` item
 * names a subset of traffic by tags (the whole mesh: none; a service:
 * `kuma.io/service`; a MeshHTTPRoute's rule: `__rule-matches-hash__`), and the
 * answer is one rule per subset that some item covers, with the items covering
 * it merged in order.
 *
 *   items' subsets ──► one tag key at most: each distinct subset, as is
 *                 └──► more: the items grouped into maximal sets that can all
 *                      hold at once (cliques of the "intersects" graph); per
 *                      group every combination of its tags, each taken or negated
 *   ──► per subset, the items whose subset contains it ──► most positive tags first
 *
 * Pure and generic over what an item carries.
 */

export interface Tag {
  readonly key: string;
  readonly value: string;
  readonly not: boolean;
}
export type Subset = readonly Tag[];

export interface SubsetRule<T> {
  readonly subset: Subset;
  /** The items covering the subset, in the order given. */
  readonly items: readonly T[];
}

const compareTags = (a: Tag, b: Tag): number =>
  a.key < b.key
    ? -1
    : a.key > b.key
      ? 1
      : a.value < b.value
        ? -1
        : a.value > b.value
          ? 1
          : Number(a.not) - Number(b.not);

export const sortedSubset = (subset: Subset): Subset => [...subset].sort(compareTags);

const positives = (subset: Subset): number => subset.filter((tag) => !tag.not).length;

/** Whether every point of `inner` lies in `outer` (`outer` covers `inner`), tag by tag. */
function tagCovers(outer: Tag, inner: Tag): boolean {
  if (outer.key !== inner.key) return false;
  if (outer.not === inner.not) return outer.value === inner.value;
  if (outer.not) return outer.value !== inner.value;
  return false;
}

export function covers(outer: Subset, inner: Subset): boolean {
  return outer.every((tag) => {
    const same = inner.filter((other) => other.key === tag.key);
    return same.length > 0 && same.every((other) => tagCovers(tag, other));
  });
}

/** Whether some traffic can be in both: no key asked for two different values. */
function intersects(a: Subset, b: Subset): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.every(
    (tag) => tag.not || b.every((other) => other.not || other.key !== tag.key || other.value === tag.value),
  );
}

/** Every maximal clique of the graph (Bron–Kerbosch); the graphs here have a handful of nodes. */
function maximalCliques(size: number, adjacent: (a: number, b: number) => boolean): number[][] {
  const cliques: number[][] = [];
  const grow = (clique: number[], candidates: number[], excluded: number[]): void => {
    if (candidates.length === 0 && excluded.length === 0) {
      cliques.push(clique);
      return;
    }
    const pending = [...candidates];
    const done = [...excluded];
    for (const node of candidates) {
      const near = (other: number) => adjacent(node, other);
      grow([...clique, node], pending.filter(near), done.filter(near));
      pending.splice(pending.indexOf(node), 1);
      done.push(node);
    }
  };
  grow(
    [],
    Array.from({ length: size }, (_, i) => i),
    [],
  );
  return cliques;
}

/**
 * Every subset a group's tags make: per key one of its values, or all of them
 * negated; in Kuma's order (the first key turns fastest, the last value first,
 * the all-positive combination last).
 */
function* combinations(tags: Subset): Generator<Subset> {
  const dims: { key: string; values: string[] }[] = [];
  for (const tag of tags) {
    let dim = dims.find((d) => d.key === tag.key);
    if (dim === undefined) dims.push((dim = { key: tag.key, values: [] }));
    if (!dim.values.includes(tag.value)) dim.values.push(tag.value);
  }
  const at = dims.map(() => 0);
  const current = (): Subset =>
    dims.flatMap((dim, i): Tag[] =>
      at[i] === dim.values.length
        ? dim.values.map((value) => ({ key: dim.key, value, not: true }))
        : [{ key: dim.key, value: dim.values[dim.values.length - at[i]! - 1]!, not: false }],
    );
  for (;;) {
    let i = 0;
    for (; i < dims.length; i++) {
      at[i]!++;
      if (at[i]! <= dims[i]!.values.length) break;
      at[i] = 0;
    }
    yield current();
    if (i === dims.length) return;
  }
}

const canonical = (subset: Subset): string => JSON.stringify(sortedSubset(subset));

/** The rules the items make, most positive tags first; subsets no item covers make none. */
export function subsetRules<T>(items: readonly T[], subsetOf: (item: T) => Subset): SubsetRule<T>[] {
  const subsets = items.map(subsetOf);
  const ruleFor = (subset: Subset): SubsetRule<T>[] => {
    const covering = items.filter((_, i) => covers(subsets[i]!, subset));
    return covering.length === 0 ? [] : [{ subset, items: covering }];
  };
  const keys = new Set(subsets.flatMap((subset) => subset.map((tag) => tag.key)));
  if (keys.size <= 1) {
    const distinct = new Map<string, Subset>();
    for (const subset of subsets)
      distinct.set(canonical(subset), distinct.get(canonical(subset)) ?? sortedSubset(subset));
    return [...distinct.values()].flatMap(ruleFor).sort((a, b) => b.subset.length - a.subset.length);
  }
  const groups = maximalCliques(subsets.length, (a, b) => a !== b && intersects(subsets[a]!, subsets[b]!))
    .map((clique) => [...clique].sort((a, b) => a - b))
    .sort((a, b) => {
      const [x, y] = [a.join(':'), b.join(':')];
      return x < y ? 1 : x > y ? -1 : 0;
    });
  const rules = groups.flatMap((group) => {
    const tags = new Map<string, Tag>();
    for (const node of group) for (const tag of subsets[node]!) tags.set(JSON.stringify(tag), tag);
    return [...combinations(sortedSubset([...tags.values()]))].flatMap(ruleFor);
  });
  return rules.sort((a, b) => positives(b.subset) - positives(a.subset));
}
