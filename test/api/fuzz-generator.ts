/**
 * A seeded generator of hostile requests, for the fuzz tests. Each request is
 * a valid corpus document (fuzz-corpus.ts) broken in one way that no valid
 * document can be: nested too deep (JSON, or YAML in every embedded-YAML
 * field), a NUL or a lone surrogate, a huge string where strings are bounded,
 * thousands of unknown keys, long lists of wrong items, a value of the wrong
 * type, an out-of-range number, odd Unicode in a name, malformed JSON, or a
 * body over the limit. So every answer must be a refusal.
 *
 * Same seed, same requests: a failure names its seed and index to replay it.
 */
import { CORPUS, pathOf } from './fuzz-corpus.js';

/** A small, fast, seedable PRNG (mulberry32); good enough to pick mutations, never for secrets. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HostileRequest {
  /** What was done to the document, to read in a failure message. */
  readonly mutation: string;
  readonly method: 'PUT' | 'GET' | 'POST';
  readonly url: string;
  readonly body?: string;
  readonly contentType?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

interface Picker {
  int(max: number): number;
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

function picker(random: () => number): Picker {
  const int = (max: number) => Math.floor(random() * max);
  return { int, between: (min, max) => min + int(max - min + 1), pick: (items) => items[int(items.length)]! };
}

/** Fields whose content any JSON may be (JSON patch values, backend confs): mutations of type and range stay out. */
const FREE_FIELDS = new Set(['value', 'conf', 'status']);

/** Every leaf of a document (path and value), outside the free fields and the identity fields. */
function leaves(document: Json, path: Path = []): { path: Path; value: Json }[] {
  if (path.length === 1 && ['type', 'mesh', 'name'].includes(String(path[0]))) return [];
  if (path.length > 0 && FREE_FIELDS.has(String(path.at(-1))) && typeof document !== 'string') return [];
  if (Array.isArray(document)) return document.flatMap((item, i) => leaves(item, [...path, i]));
  if (document !== null && typeof document === 'object')
    return Object.entries(document).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value: document }];
}

/** Every object of a document outside the free fields (where unknown keys are refused). */
function objects(document: Json, path: Path = []): Path[] {
  if (path.length > 0 && FREE_FIELDS.has(String(path.at(-1)))) return [];
  if (Array.isArray(document)) return document.flatMap((item, i) => objects(item, [...path, i]));
  if (document !== null && typeof document === 'object')
    return [path, ...Object.entries(document).flatMap(([key, item]) => objects(item, [...path, key]))];
  return [];
}

function arrays(document: Json, path: Path = []): Path[] {
  if (path.length > 0 && FREE_FIELDS.has(String(path.at(-1)))) return [];
  if (Array.isArray(document)) return [path, ...document.flatMap((item, i) => arrays(item, [...path, i]))];
  if (document !== null && typeof document === 'object')
    return Object.entries(document).flatMap(([key, item]) => arrays(item, [...path, key]));
  return [];
}

function setAt(document: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(document) as Record<string | number, Json>;
  let at: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  at[path.at(-1)!] = value;
  return copy;
}

function getAt(document: Json, path: Path): Json {
  let at: Json = document;
  for (const key of path) at = (at as Record<string | number, Json>)[key]!;
  return at;
}

/** JSON text nested `depth` levels, built as text so that making it cannot overflow anything. */
function deepJsonText(p: Picker, depth: number): string {
  switch (p.int(3)) {
    case 0:
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 1:
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    default:
      return `${'[{"k":'.repeat(depth / 2)}0${'}]'.repeat(depth / 2)}`;
  }
}

/** YAML nested `depth` levels, in one of the forms YAML has for nesting. */
function deepYaml(p: Picker, depth: number): string {
  switch (p.int(6)) {
    case 0:
      return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    case 1:
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 2:
      return '['.repeat(depth);
    case 3:
      return `${'- '.repeat(depth)}x`;
    case 4: {
      const levels = Math.min(depth, 300);
      return (
        Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + `\n${' '.repeat(levels)}leaf\n`
      );
    }
    default:
      return `${'a: ['.repeat(depth)}1${']'.repeat(depth)}`;
  }
}

const ODD_UNICODE = ['\u202e', '\u200d', '\ufeff', '\uffff', '\u0301', '😀', '\u007f', 'Ω', '\u2028', 'ＡＢ'];
const NOT_OF_TYPE: readonly Json[] = [null, {}, [], -1e308, [1, 2, 3], { nested: { x: 1 } }];
const OUT_OF_RANGE = [-1, -1e308, 2 ** 32 + 0.5];

/** A hostile document as JSON text, and what was done. */
function mutate(p: Picker, base: Json, type: string): { mutation: string; text: string } {
  const json = (value: Json) => JSON.stringify(value);
  const stringLeaves = leaves(base).filter((leaf) => typeof leaf.value === 'string');
  const strategy = p.int(12);
  switch (strategy) {
    case 0: {
      // Deep JSON in place of a leaf: spliced in as text.
      const { path } = p.pick(leaves(base));
      const depth = p.between(65, 10_000);
      const marker = '"__deep__"';
      return {
        mutation: `deep JSON (${depth}) at ${path.join('.')}`,
        text: json(setAt(base, path, '__deep__')).replace(marker, deepJsonText(p, depth)),
      };
    }
    case 1: {
      // Deep YAML in an embedded-YAML field: every MeshProxyPatch target's value; elsewhere as a string leaf.
      const depth = p.between(65, 10_000);
      const yaml = deepYaml(p, depth);
      if (type === 'MeshProxyPatch') {
        const target = p.pick(['cluster', 'listener', 'virtualHost', 'networkFilter', 'httpFilter']);
        const operation = target === 'networkFilter' || target === 'httpFilter' ? 'AddFirst' : 'Add';
        const spec = { default: { appendModifications: [{ [target]: { operation, value: yaml } }] } };
        return { mutation: `deep YAML (${depth}) in ${target}.value`, text: json(setAt(base, ['spec'], spec)) };
      }
      // Elsewhere, as a field no schema knows (or, in a list, as an item of the wrong type).
      const { path } = p.pick(leaves(base));
      const inList = typeof path.at(-1) === 'number';
      const where: Path = inList ? path : [...path.slice(0, -1), 'yamlValue'];
      return {
        mutation: `deep YAML (${depth}) as an unknown field at ${where.join('.')}`,
        text: json(setAt(base, where, inList ? { yamlValue: yaml } : yaml)),
      };
    }
    case 2: {
      const leaf = p.pick(stringLeaves);
      const text = String(leaf.value);
      const at = p.int(text.length + 1);
      return {
        mutation: `NUL in ${leaf.path.join('.')}`,
        text: json(setAt(base, leaf.path, `${text.slice(0, at)}\u0000${text.slice(at)}`)),
      };
    }
    case 3: {
      const leaf = p.pick(stringLeaves);
      const surrogate = p.pick(['\ud800', '\udfff', '\udbff']);
      // JSON.stringify escapes a lone surrogate as \uXXXX, which JSON.parse turns back into one.
      return {
        mutation: `lone surrogate in ${leaf.path.join('.')}`,
        text: json(setAt(base, leaf.path, `${String(leaf.value)}${surrogate}`)),
      };
    }
    case 4: {
      // Odd Unicode where only ASCII is allowed: the name.
      const odd = p.pick(ODD_UNICODE);
      return { mutation: `odd Unicode ${json(odd)} in the name`, text: json(setAt(base, ['name'], `web${odd}`)) };
    }
    case 5: {
      const size = p.between(300, 300_000);
      const where = p.pick(['name', 'label value', 'unknown field', 'header value']);
      const huge = 'x'.repeat(size);
      if (where === 'name') return { mutation: `huge name (${size})`, text: json(setAt(base, ['name'], huge)) };
      if (where === 'label value')
        return { mutation: `huge label value (${size})`, text: json(setAt(base, ['labels'], { big: huge })) };
      if (where === 'header value' && type === 'MeshHTTPRoute') {
        const path = ['spec', 'to', 0, 'rules', 0, 'default', 'filters', 0, 'requestHeaderModifier', 'set', 0, 'value'];
        return {
          mutation: `huge header value (${Math.max(size, 16_385)})`,
          text: json(setAt(base, path, 'v'.repeat(Math.max(size, 16_385)))),
        };
      }
      return { mutation: `huge unknown field (${size})`, text: json(setAt(base, ['hugeUnknown'], huge)) };
    }
    case 6: {
      const count = p.between(100, 2_000);
      const path = p.pick(objects(base));
      const target = getAt(base, path) as Record<string, Json>;
      const many: Record<string, Json> = { ...target };
      for (let i = 0; i < count; i++) many[`unknown${i}`] = i;
      // Labels accept any key of label syntax; spaces make these keys unacceptable there too.
      if (path.at(-1) === 'labels') for (let i = 0; i < count; i++) many[`bad key ${i}`] = 'x';
      return {
        mutation: `${count} unknown keys at ${path.join('.') || 'the root'}`,
        text: json(setAt(base, path, many)),
      };
    }
    case 7: {
      const count = p.between(500, 10_000);
      const candidates = arrays(base);
      if (candidates.length > 0 && p.int(2) === 0) {
        const path = p.pick(candidates);
        const items = [
          ...(getAt(base, path) as Json[]),
          ...Array.from({ length: count }, () => p.pick<Json>([null, true, -1e308, [[]]])),
        ];
        return { mutation: `${count} wrong items appended to ${path.join('.')}`, text: json(setAt(base, path, items)) };
      }
      const { path } = p.pick(leaves(base));
      return {
        mutation: `list of ${count} in place of ${path.join('.')}`,
        text: json(
          setAt(
            base,
            path,
            Array.from({ length: count }, (_, i) => ({ i })),
          ),
        ),
      };
    }
    case 8: {
      const leaf = p.pick(leaves(base));
      const replacement = p.pick(
        NOT_OF_TYPE.filter(
          (v) => typeof v !== typeof leaf.value || (typeof v === 'object' && typeof leaf.value !== 'object'),
        ),
      );
      return {
        mutation: `${json(replacement)} in place of ${leaf.path.join('.')}`,
        text: json(setAt(base, leaf.path, replacement)),
      };
    }
    case 9: {
      const numbers = leaves(base).filter((leaf) => typeof leaf.value === 'number');
      if (numbers.length === 0) return mutate(p, base, type);
      const leaf = p.pick(numbers);
      const number = p.pick(OUT_OF_RANGE);
      return { mutation: `${number} in place of ${leaf.path.join('.')}`, text: json(setAt(base, leaf.path, number)) };
    }
    case 10: {
      const text = json(base);
      const broken = p.pick([
        text.slice(0, p.between(1, text.length - 1)),
        `${text}}`,
        `${text.slice(0, -1)},"__proto__":{"polluted":true}}`,
        `${text.slice(0, -1)},"constructor":{"prototype":{"polluted":true}}}`,
        text.replace('{', '{,'),
        text.replace(/"name":"[^"]*"/, '"name":"\\x41"'),
      ]);
      return { mutation: 'malformed JSON', text: broken };
    }
    default: {
      const size = p.between(1024 * 1024 + 1, 1200 * 1024);
      return { mutation: `body of ${size} bytes`, text: json(setAt(base, ['padding'], 'x'.repeat(size))) };
    }
  }
}

/** Hostile GETs: NUL, out-of-range and malformed list parameters, NUL in path segments. */
function hostileQuery(p: Picker, plurals: readonly string[]): HostileRequest {
  const plural = p.pick(plurals);
  const list = plural === 'meshes' ? '/meshes' : p.pick([`/${plural}`, `/meshes/default/${plural}`]);
  const query = p.pick([
    'name=%00',
    `name=${'a'.repeat(p.between(1, 50))}%00`,
    'filter%5Blabels.app%5D=%00',
    'filter%5Blabels.a%00%5D=x',
    'size=1e308',
    'size=0',
    'size=-1',
    'offset=-1',
    'offset=99999999999999999999999',
    'size=abc',
    `${'tag=a:'.repeat(1)}%00`,
  ]);
  const url = p.int(4) === 0 ? `/meshes/${p.pick(['%00', 'a%00b', 'default%00'])}` : `${list}?${query}`;
  return { mutation: `GET ${url}`, method: 'GET', url };
}

/**
 * `count` hostile requests from `seed`, made one at a time as they are taken:
 * PUTs of broken documents of every kind (in turn, so each kind gets its
 * share), with a GET now and then.
 */
export function* hostileRequests(
  seed: number,
  count: number,
  plurals: ReadonlyMap<string, string>,
): Generator<HostileRequest> {
  const p = picker(prng(seed));
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      yield hostileQuery(p, [...plurals.values()]);
      continue;
    }
    const base = CORPUS[i % CORPUS.length]! as Json & Record<string, Json>;
    const { mutation, text } = mutate(p, base, String(base['type']));
    yield {
      mutation: `${String(base['type'])}: ${mutation}`,
      method: 'PUT',
      url: pathOf(base, plurals),
      body: text,
      contentType: 'application/json',
    };
  }
}
