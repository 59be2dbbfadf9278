/**
 * The generator test cases: `testdata/<case>.input.json` files, each a
 * ProxyContext as JSON with `destinations` as an object keyed by service.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationContext, ProxyContext } from '../proxy-context.js';
import { srcPath } from './golden.js';

export const testdataDir = srcPath('src/xds/generate/testdata');

export function caseNames(): string[] {
  return readdirSync(testdataDir)
    .filter((f) => f.endsWith('.input.json'))
    .map((f) => f.slice(0, -'.input.json'.length))
    .sort();
}

type ProxyContextJson = Omit<ProxyContext, 'destinations'> & {
  readonly destinations: Readonly<Record<string, DestinationContext>>;
};

export function readCase(name: string): ProxyContext {
  const raw = JSON.parse(readFileSync(join(testdataDir, `${name}.input.json`), 'utf8')) as ProxyContextJson;
  return { ...raw, destinations: new Map(Object.entries(raw.destinations)) };
}
