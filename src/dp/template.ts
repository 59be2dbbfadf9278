/**
 * Dataplane file templates, as kuma-dp fills them: the file may hold
 * Mustache variables (`{{ name }}`, `{{address}}`) whose values come from
 * `--dataplane-var name=value`, so one file serves every instance of a
 * workload. https://mustache.github.io/mustache.5.html
 *
 * The subset a dataplane file needs: variables (`{{ x }}`, and the raw forms
 * `{{{ x }}}` and `{{& x }}`, which are the same here) and comments
 * (`{{! ... }}`). Two deliberate differences from kuma-dp, which renders
 * with a general Mustache library:
 * - an undefined variable is an error naming it, not an empty string (an
 *   empty address or name would fail later, far from its cause);
 * - values are inserted as written, not HTML-escaped (the file is YAML).
 * Sections, partials and delimiter changes are refused by name.
 */
import { DpError } from './errors.js';

export type TemplateVars = ReadonlyMap<string, string>;

const VAR_NAME = /^[A-Za-z_][\w.-]*$/;

/** `--dataplane-var` values (`key=value`, value may be empty or hold `=`) as a map. */
export function parseTemplateVars(pairs: readonly string[]): TemplateVars {
  const vars = new Map<string, string>();
  const problems: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !VAR_NAME.test(key)) {
      problems.push(`  ${JSON.stringify(pair)}: expected key=value, the key a name like address or svc.port`);
      continue;
    }
    const value = pair.slice(at + 1);
    const known = vars.get(key);
    if (known !== undefined && known !== value)
      problems.push(`  ${key}: given twice, as ${JSON.stringify(known)} and ${JSON.stringify(value)}`);
    vars.set(key, value);
  }
  if (problems.length > 0) throw new DpError('invalid --dataplane-var', problems);
  return vars;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  '#': 'sections',
  '^': 'inverted sections',
  '/': 'sections',
  '>': 'partials',
  '=': 'delimiter changes',
};

/** 1-based line of an offset, for messages. */
const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/**
 * Fills every variable of `text` from `vars`. Throws DpError listing each
 * problem with its line (`<source>:<line>`), every one of them at once.
 */
export function renderTemplate(text: string, vars: TemplateVars, source: string): string {
  let out = '';
  let from = 0;
  const problems: string[] = [];
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open < 0) break;
    out += text.slice(from, open);
    const triple = text.startsWith('{{{', open);
    const closer = triple ? '}}}' : '}}';
    const close = text.indexOf(closer, open + closer.length);
    if (close < 0) {
      problems.push(`  ${source}:${lineAt(text, open)}: "{{" is never closed`);
      from = text.length;
      break;
    }
    from = close + closer.length;
    let tag = text.slice(open + closer.length, close).trim();
    const sigil = tag[0] ?? '';
    if (sigil === '!') continue;
    if (sigil === '&') tag = tag.slice(1).trim();
    const unsupported = triple ? undefined : UNSUPPORTED[sigil];
    const where = `${source}:${lineAt(text, open)}`;
    if (unsupported !== undefined) {
      problems.push(`  ${where}: template ${unsupported} ({{${sigil}...}}) are not supported, only variables`);
      continue;
    }
    if (!VAR_NAME.test(tag)) {
      problems.push(`  ${where}: ${JSON.stringify(text.slice(open, from))} is not a template variable`);
      continue;
    }
    const value = vars.get(tag);
    if (value === undefined) {
      problems.push(`  ${where}: template variable "${tag}" is not defined (pass --dataplane-var ${tag}=...)`);
      continue;
    }
    out += value;
  }
  out += text.slice(from);
  if (problems.length > 0) throw new DpError(`cannot fill in the template variables of ${source}`, problems);
  return out;
}
