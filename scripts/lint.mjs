#!/usr/bin/env node
// `npm run lint`: formatting (Prettier), import boundaries and cycles
// (dependency-cruiser) and the code rules (ESLint), as CI checks them. The
// three read the tree independently, so they run at once: ESLint's type
// checking is the longest, so the other two run at a lower priority (nice)
// and take the CPU it leaves. Each one's output is printed whole once it ends;
// the exit code is non-zero when any fails.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
/** Each check, and whether it yields the CPU to the others. */
const checks = [
  { script: 'lint:code', yields: false },
  { script: 'lint:format', yields: true },
  { script: 'lint:deps', yields: true },
];
const nice = ['/usr/bin/nice', '/bin/nice'].find((path) => existsSync(path));
const started = Date.now();

const run = ({ script, yields }) =>
  new Promise((resolve) => {
    const command = ['npm', 'run', '--silent', script];
    const [file, ...args] = yields && nice !== undefined ? [nice, '-n', '10', ...command] : command;
    const child = spawn(file, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ script, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output }));
  });

const results = await Promise.all(checks.map(run));
for (const { script, code, output } of results) {
  process.stdout.write(`── ${script}: ${code === 0 ? 'passed' : `failed (exit ${code})`}\n${output.trimEnd()}\n`);
}
const failed = results.filter((result) => result.code !== 0).map((result) => result.script);
console.log(
  `lint: ${failed.length === 0 ? 'all passed' : `failed: ${failed.join(', ')}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failed.length === 0 ? 0 : 1);
