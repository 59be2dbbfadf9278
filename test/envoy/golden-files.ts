/**
 * Every golden file of the generators, sorted into those Envoy reads and
 * those a proxyless gRPC client reads (judged by grpc-js-xds in their own
 * tests, not by Envoy):
 *
 *   src/xds/bootstrap/testdata/*.golden.yaml      Envoy bootstraps, as Envoy reads them
 *   src/xds/bootstrap/testdata/grpc-*.golden.json  the gRPC bootstrap
 *   src/xds/generate/testdata/<case>.golden.json  the flavour of <case>.input.json
 *   src/policies/<kind>/testdata/*.golden.json    gRPC when the name says `grpc`, else Envoy
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs from dist/test/envoy/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface GoldenFile {
  /** Relative to the repository. */
  readonly path: string;
  readonly reader: 'envoy-bootstrap' | 'envoy-resources' | 'proxyless';
}

function goldenPaths(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...goldenPaths(path));
    else if (/\.golden\.(json|yaml)$/.test(entry)) found.push(path);
  }
  return found;
}

/** A `grpc` word in a file name: `grpc-x`, `x-grpc`, `x.grpc.golden.json`. */
const namesGrpc = (file: string): boolean => /(^|[-.])grpc([-.]|$)/.test(basename(file).replace(/\.golden\.\w+$/, ''));

function readerOf(path: string): GoldenFile['reader'] {
  if (path.startsWith('src/xds/bootstrap/testdata/')) return path.endsWith('.yaml') ? 'envoy-bootstrap' : 'proxyless';
  const generatorCase = /^src\/xds\/generate\/testdata\/(.+)\.golden\.json$/.exec(path);
  if (generatorCase) {
    const input = JSON.parse(
      readFileSync(join(REPO, 'src/xds/generate/testdata', `${generatorCase[1]}.input.json`), 'utf8'),
    ) as { flavour?: string };
    if (input.flavour !== 'envoy' && input.flavour !== 'grpc') throw new Error(`${path}: its input names no flavour`);
    return input.flavour === 'envoy' ? 'envoy-resources' : 'proxyless';
  }
  if (/^src\/policies\/[^/]+\/testdata\//.test(path) && path.endsWith('.json'))
    return namesGrpc(path) ? 'proxyless' : 'envoy-resources';
  throw new Error(`${path}: a golden file in a place this test does not know; say here who reads it`);
}

/** Every golden file under src/, with who reads it, sorted by path. */
export function goldenFiles(): GoldenFile[] {
  return goldenPaths(join(REPO, 'src'))
    .map((absolute) => relative(REPO, absolute))
    .sort()
    .map((path) => ({ path, reader: readerOf(path) }));
}
