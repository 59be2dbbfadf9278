/**
 * How deep and how large anything read from outside may be: REST bodies,
 * documents applied by the CLI, YAML and JSON carried inside a field
 * (MeshProxyPatch `value`), data sources, bootstrap requests and the
 * Dataplane a proxy carries in its xDS node metadata. docs/api.md lists them.
 *
 * Why a depth limit: the YAML composer, protobuf's JSON reader, JSON.stringify
 * and the stores all recurse, so a document nested thousands of levels deep
 * overflows the stack somewhere after it was accepted (a 500, or worse).
 * Nothing Koguma or Envoy configures comes near 64 levels. The walk below is
 * iterative, so checking a value cannot itself overflow.
 *
 * Strings must not hold NUL (PostgreSQL cannot store it, and no name, path or
 * header Envoy uses may hold it) nor lone UTF-16 surrogates (not Unicode:
 * PostgreSQL's JSON refuses them too).
 */
import type { InvalidParameter } from './errors.js';

export const INPUT_LIMITS = {
  /** Objects and lists nested in one another, counted from the document (or embedded value) root. */
  maxDepth: 64,
  /** A YAML or JSON document inside a field, such as a MeshProxyPatch `value`. */
  maxEmbeddedDocumentBytes: 64 * 1024,
  /** The Dataplane document a proxy carries as JSON text (`dataplaneResource`, xDS node metadata). */
  maxCarriedDataplaneBytes: 256 * 1024,
  /** The content of a data source (`inline`, `inlineString`, a `file`, a `secret`): certificates and keys. */
  maxDataSourceBytes: 256 * 1024,
  /**
   * Problems listed in one refusal. A 1 MiB body of empty list items holds a
   * quarter of a million problems: listing them all would cost more than the
   * request did, and nobody reads past the first screen.
   */
  maxReportedIssues: 100,
} as const;

/** 65536 → "64 KiB"; 1500 → "1500 bytes": limits as the docs and error messages state them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Where a value breaks a limit: the path below the value's root (`a.b[2]`, '' for the root) and why. */
export interface ShapeIssue {
  readonly path: string;
  readonly reason: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type StringFault = 'nul' | 'surrogate';

/** What is wrong with a string that cannot be stored or sent to a proxy, or undefined when nothing is. */
function stringFault(text: string): StringFault | undefined {
  if (text.includes('\u0000')) return 'nul';
  return LONE_SURROGATE.test(text) ? 'surrogate' : undefined;
}

const VALUE_REASONS: Readonly<Record<StringFault, string>> = {
  nul: 'must not contain the NUL character',
  surrogate: 'must be valid Unicode text (it holds a lone UTF-16 surrogate)',
};
const KEY_REASONS: Readonly<Record<StringFault, string>> = {
  nul: 'has a key that contains the NUL character',
  surrogate: 'has a key that is not valid Unicode text (a lone UTF-16 surrogate)',
};

/** Why a string cannot be stored or sent to a proxy, or undefined when it can. */
export function stringProblem(text: string): string | undefined {
  const fault = stringFault(text);
  return fault === undefined ? undefined : VALUE_REASONS[fault];
}

/** One step of the walk; `parent` and `segment` rebuild the path only when an issue is found. */
interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly segment: string | number | undefined;
}

/** Keys longer than this are shortened in the path of an issue, so an error cannot echo a megabyte. */
const PATH_KEY_MAX = 64;

function pathOf(frame: Frame): string {
  const segments: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.segment !== undefined; at = at.parent) segments.push(at.segment);
  let path = '';
  for (const segment of segments.reverse()) {
    if (typeof segment === 'number') {
      path += `[${segment}]`;
      continue;
    }
    const shown = segment.length > PATH_KEY_MAX ? `${segment.slice(0, PATH_KEY_MAX)}...` : segment;
    if (/^[A-Za-z_$][\w$]*$/.test(shown)) path += path === '' ? shown : `.${shown}`;
    else path += `[${JSON.stringify(shown)}]`;
  }
  return path;
}

/**
 * The first place, in document order, where `value` is nested deeper than
 * `maxDepth` or holds a string (or key) that cannot be stored; undefined when
 * there is none. Iterative: safe on any value JSON.parse or YAML produced.
 */
export function shapeIssue(value: unknown, maxDepth: number = INPUT_LIMITS.maxDepth): ShapeIssue | undefined {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, segment: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current === 'string') {
      const fault = stringFault(current);
      if (fault !== undefined) return { path: pathOf(frame), reason: VALUE_REASONS[fault] };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) return { path: pathOf(frame), reason: `nested deeper than ${maxDepth} levels` };
    const children: Frame[] = [];
    if (Array.isArray(current)) {
      current.forEach((item: unknown, index) => children.push({ value: item, depth, parent: frame, segment: index }));
    } else {
      for (const [key, item] of Object.entries(current)) {
        const fault = stringFault(key);
        if (fault !== undefined) return { path: pathOf(frame), reason: KEY_REASONS[fault] };
        children.push({ value: item, depth, parent: frame, segment: key });
      }
    }
    // Reversed, so the first child is looked at first and issues come in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/** `shapeIssue` as an invalid parameter under `field` (the path of the value in its document). */
export function shapeParameter(
  value: unknown,
  field: string,
  maxDepth: number = INPUT_LIMITS.maxDepth,
): InvalidParameter | undefined {
  const issue = shapeIssue(value, maxDepth);
  if (issue === undefined) return undefined;
  const path =
    issue.path === ''
      ? field
      : field === ''
        ? issue.path
        : issue.path.startsWith('[')
          ? `${field}${issue.path}`
          : `${field}.${issue.path}`;
  return { field: path === '' ? 'document' : path, reason: issue.reason };
}
