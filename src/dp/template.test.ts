import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DpError } from './errors.js';
import { parseTemplateVars, renderTemplate } from './template.js';

const vars = parseTemplateVars(['name=web-1', 'address=10.0.0.1', 'svc.port=8080', 'empty=', 'url=a=b']);

function problems(run: () => unknown): { message: string; details: readonly string[] } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DpError, String(error));
    return { message: error.message, details: error.details };
  }
  assert.fail('expected a DpError');
}

test('variables are filled with or without spaces, in the raw forms too, and dotted names work', () => {
  const text = 'name: {{ name }}\naddress: {{address}}\nport: {{{ svc.port }}}\nraw: {{& url}}\nempty: "{{ empty }}"\n';
  assert.equal(
    renderTemplate(text, vars, 'dp.yaml'),
    'name: web-1\naddress: 10.0.0.1\nport: 8080\nraw: a=b\nempty: ""\n',
  );
});

test('values are inserted as written, not HTML-escaped (the file is YAML, not a web page)', () => {
  assert.equal(renderTemplate('x: {{ v }}', parseTemplateVars(['v=a&b<c>"d']), 'f'), 'x: a&b<c>"d');
});

test('comments are dropped and text without tags is unchanged', () => {
  assert.equal(renderTemplate('a: 1 {{! who cares }}\nb: {single}', vars, 'f'), 'a: 1 \nb: {single}');
});

test('an undefined variable is an error naming it and its line; every problem is listed at once', () => {
  const { message, details } = problems(() =>
    renderTemplate('name: {{ name }}\naddress: {{ addr }}\nport: {{ port }}\n', vars, 'dp.yaml'),
  );
  assert.equal(message, 'cannot fill in the template variables of dp.yaml');
  assert.deepEqual(details, [
    '  dp.yaml:2: template variable "addr" is not defined (pass --dataplane-var addr=...)',
    '  dp.yaml:3: template variable "port" is not defined (pass --dataplane-var port=...)',
  ]);
});

test('sections, partials and an unclosed tag are refused by name', () => {
  const { details } = problems(() => renderTemplate('{{#list}}x{{/list}}\n{{> part}}\n{{ name', vars, 'f'));
  assert.deepEqual(details, [
    '  f:1: template sections ({{#...}}) are not supported, only variables',
    '  f:1: template sections ({{/...}}) are not supported, only variables',
    '  f:2: template partials ({{>...}}) are not supported, only variables',
    '  f:3: "{{" is never closed',
  ]);
});

test('--dataplane-var splits at the first "=", and refuses a missing "=", a bad key or a key given twice differently', () => {
  assert.deepEqual(
    [...parseTemplateVars(['a=1', 'b=x=y', 'a=1'])],
    [
      ['a', '1'],
      ['b', 'x=y'],
    ],
  );
  const { message, details } = problems(() => parseTemplateVars(['novalue', '=x', 'a=1', 'a=2']));
  assert.equal(message, 'invalid --dataplane-var');
  assert.deepEqual(details, [
    '  "novalue": expected key=value, the key a name like address or svc.port',
    '  "=x": expected key=value, the key a name like address or svc.port',
    '  a: given twice, as "1" and "2"',
  ]);
});
