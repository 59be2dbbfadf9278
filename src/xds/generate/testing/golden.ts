/**
 * Golden files for tests (STYLE.md rule 6): compare generated text with a
 * checked-in file, or rewrite the file when `UPDATE_GOLDEN=1`. A difference
 * fails with a line diff, `-` the golden file and `+` the output.
 *
 * Test data stays in src/ while compiled tests run from dist/, so files are
 * found from the repository root, the nearest directory with a package.json.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** A path under the repository root, e.g. `srcPath('src/xds/generate/testdata')`. */
export const srcPath = (path: string): string => join(repoRoot, path);

export const updatingGoldens = (): boolean => process.env.UPDATE_GOLDEN === '1';

/** Lines only in `expected` as `-`, only in `actual` as `+`, with two lines of context; from a longest common subsequence. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!))
      lines.push({ mark: '+', text: b[j++]! });
    else lines.push({ mark: '-', text: a[i++]! });
  }
  const near = (k: number): boolean => lines.slice(Math.max(0, k - 2), k + 3).some((l) => l.mark !== ' ');
  const shown = lines.map((l, k) => (near(k) ? `${l.mark} ${l.text}` : undefined));
  return shown
    .filter((l, k) => l !== undefined || shown[k - 1] !== undefined)
    .map((l) => l ?? '  ...')
    .join('\n');
}

/** Asserts `actual` equals the golden file at `path`, or rewrites the file when updating. */
export function expectGolden(path: string, actual: string): void {
  const name = relative(repoRoot, path);
  if (updatingGoldens()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) assert.fail(`${name} is missing; UPDATE_GOLDEN=1 npm test writes it`);
  const expected = readFileSync(path, 'utf8');
  if (expected !== actual)
    assert.fail(
      `${name} differs from the output (UPDATE_GOLDEN=1 npm test rewrites it):\n${lineDiff(expected, actual)}`,
    );
}
