/**
 * Reads a V8 CPU profile (`node --cpu-prof`, e.g. the control plane's from
 * `xds-convergence --cpu-prof <dir>`) and prints where the time went: the
 * functions with the most self time, and the project functions with the
 * most total time (self + callees).
 *
 *   node dist/bench/profile-top.js <file.cpuprofile> [--top 25] [--since-ms 0] [--until-ms end]
 *
 * `--since-ms`/`--until-ms` keep only samples in that window (ms from the
 * start of the profile), to look at one phase such as a mesh-wide change.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    'since-ms': { type: 'string', default: '0' },
    'until-ms': { type: 'string' },
  },
});
const file = positionals[0];
if (!file) {
  console.error('usage: profile-top <file.cpuprofile> [--top 25] [--since-ms 0] [--until-ms end]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const top = Number(values.top);
const since = Number(values['since-ms']) * 1000;
const until = values['until-ms'] === undefined ? Number.POSITIVE_INFINITY : Number(values['until-ms']) * 1000;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const shortUrl = (url: string): string =>
  url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:');
const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
};

// Self time per sample node, within the window (µs).
const selfUs = new Map<number, number>();
let t = 0;
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (t < since || t > until) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  totalUs += delta;
});

const selfByLabel = new Map<string, number>();
const totalByLabel = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + us);
  // Total: every distinct function on the stack of this sample.
  const seen = new Set<string>();
  for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
    const name = label(byId.get(cursor)!);
    if (seen.has(name)) continue;
    seen.add(name);
    totalByLabel.set(name, (totalByLabel.get(name) ?? 0) + us);
  }
}

const idle = ['(idle)', '(program)', '(garbage collector)'].map((n) => selfByLabel.get(n) ?? 0);
const print = (title: string, entries: Map<string, number>, filter: (name: string) => boolean): void => {
  console.log(`\n${title}`);
  const rows = [...entries]
    .filter(([name]) => filter(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  for (const [name, us] of rows)
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${name}`);
};

console.log(
  `${file}: ${(totalUs / 1000).toFixed(0)} ms sampled; idle ${(idle[0]! / 1000).toFixed(0)} ms, program ${(idle[1]! / 1000).toFixed(0)} ms, GC ${(idle[2]! / 1000).toFixed(0)} ms`,
);
print('Self time', selfByLabel, (name) => name !== '(idle)');
print('Total time, project code (dist/src)', totalByLabel, (name) => name.includes('dist/src/'));
