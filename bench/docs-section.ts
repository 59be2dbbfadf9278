/**
 * A bench's figures in docs/benchmarks.md: the text between its section's
 * markers (`<!-- NAME:begin -->` … `<!-- NAME:end -->`) is replaced, the rest
 * of the page kept as written, and the page formatted as `npm run lint` wants it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

export async function writeDocsSection(name: string, figures: string): Promise<string> {
  const path = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  const text = readFileSync(path, 'utf8');
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} has no ${begin} … ${end} section to write the figures into`);
  const page = `${text.slice(0, from + begin.length)}\n${figures.trimEnd()}\n${text.slice(to)}`;
  writeFileSync(path, await format(page, { ...(await resolveConfig(path)), filepath: path }));
  return path;
}
