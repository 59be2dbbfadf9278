// A node:test reporter that lists the slowest test files at the end of a run,
// by wall time from the file's start to its end (process start, imports and
// hooks included), so what makes the suite slow stays in sight.
const shown = 25;

export default async function* fileTimes(source) {
  const started = new Map();
  const took = new Map();
  for await (const event of source) {
    const { name, file } = event.data ?? {};
    if (file === undefined || name !== file) continue;
    if (event.type === 'test:dequeue') started.set(file, Date.now());
    else if (event.type === 'test:complete' && started.has(file)) took.set(file, Date.now() - started.get(file));
  }
  const slowest = [...took].sort((a, b) => b[1] - a[1]).slice(0, shown);
  if (slowest.length === 0) return;
  const root = `${process.cwd()}/`;
  yield `\nslowest test files (wall time, of ${took.size}):\n`;
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(7)} s  ${file.replace(root, '')}\n`;
}
