/**
 * docs/api.md names every endpoint the REST API serves: each path a route
 * module registers (read from the sources, so a new route without its section
 * in the reference fails here) appears in the document, path parameters
 * written either way (`{mesh}` or `:mesh`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every path given to app.get/put/post/delete, a template's `${x}` read as one parameter. */
function registeredPaths(): string[] {
  const code = sources(join(root, 'src/server'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const found = new Set<string>();
  const call = /app\.(?:get|put|post|delete)(?:<[^(]*?>)?\(\s*(['`])(\/[^'`]*)\1/gs;
  for (const match of code.matchAll(call)) found.add(match[2]!);
  return [...found].sort();
}

/** A path with each parameter (a wildcard too) replaced by `{}`: `/meshes/{}/dataplanes/{}/_rules`. */
const shapeOf = (path: string): string => path.replace(/\{[^}]*\}|:[A-Za-z]+|\$\{[^}]*\}|\*/g, '{}');

/** Whether a documented path is an instance of a registered one: a parameter there matches any one segment here. */
const instanceOf = (registered: string) => {
  const pattern = shapeOf(registered)
    .split('{}')
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  const whole = new RegExp(`^${pattern}$`);
  return (documented: string): boolean => whole.test(documented);
};

test('docs/api.md names every endpoint the REST API registers', () => {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const documented = new Set(
    [...doc.matchAll(/\/[A-Za-z0-9_{}:+.-]*(?:\/[A-Za-z0-9_{}:+.-]*)*/g)].map((m) => shapeOf(m[0])),
  );
  const paths = registeredPaths();
  assert.ok(paths.length > 30, `found only ${paths.length} routes: the pattern no longer reads the route modules`);
  const missing = paths.filter((path) => ![...documented].some(instanceOf(path)));
  assert.deepEqual(missing, [], `add these endpoints to docs/api.md: ${missing.join(', ')}`);
});
