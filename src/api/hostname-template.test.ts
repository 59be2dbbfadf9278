import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dns1123SubdomainProblem,
  hostnameTemplateProblem,
  parseHostnameTemplate,
  renderHostnameTemplate,
  type HostnameTemplateValues,
} from './hostname-template.js';

const values: HostnameTemplateValues = {
  fields: { Name: 'web-x1', DisplayName: 'web', Namespace: 'shop', Mesh: 'default', Zone: 'east' },
  label: (key) => ({ team: 'pay', 'kuma.io/display-name': 'web' })[key],
};

function render(source: string): string {
  const parsed = parseHostnameTemplate(source);
  assert.ok('template' in parsed, `parse ${source}: ${JSON.stringify(parsed)}`);
  const rendered = renderHostnameTemplate(parsed.template, values);
  assert.ok('hostname' in rendered, `render ${source}: ${JSON.stringify(rendered)}`);
  return rendered.hostname;
}

const parseError = (source: string): string => {
  const parsed = parseHostnameTemplate(source);
  assert.ok('error' in parsed, `${source} parsed`);
  return parsed.error;
};

test('fields render the service values', () => {
  assert.equal(render('{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local'), 'web.svc.east.mesh.local');
  assert.equal(render('{{.Name}}.{{.Namespace}}.{{.Mesh}}'), 'web-x1.shop.default');
  assert.equal(render('plain.text'), 'plain.text');
});

test('label reads a label by a quoted or raw key', () => {
  assert.equal(render('{{ label "team" }}.{{ label `kuma.io/display-name` }}'), 'pay.web');
  assert.equal(render('{{ label "t\\"x" }}'.replace('t\\"x', 'team')), 'pay');
});

test('a missing label fails the rendering, naming it', () => {
  const parsed = parseHostnameTemplate('{{ label "tier" }}.mesh');
  assert.ok('template' in parsed);
  assert.deepEqual(renderHostnameTemplate(parsed.template, values), { error: 'label tier not found' });
});

test('trim markers drop the white space beside an action; comments render nothing', () => {
  assert.equal(render('a  {{- .Zone -}}  .b'), 'aeast.b');
  assert.equal(render('{{/* the zone */}}{{ .Zone }}'), 'east');
  assert.equal(render('x {{- /* gone */ -}} y'), 'xy');
});

test('anything beyond fields and label is refused when parsing, saying where', () => {
  assert.match(parseError('{{ .Secret }}'), /^1:1: can't evaluate field Secret/);
  assert.match(parseError('a\nb{{ printf "%s" .Name }}'), /^2:2: function "printf" not defined/);
  assert.match(parseError('{{ .Name | label }}'), /only \.Field and label/);
  assert.match(parseError('{{ range .Name }}{{ end }}'), /function "range" not defined/);
  assert.match(parseError('{{ $x := 1 }}'), /function "\$x" not defined/);
  assert.match(parseError('{{ label }}'), /function "label" not defined|label takes/);
  assert.match(parseError('{{ label "a" "b" }}'), /exactly one argument/);
  assert.match(parseError('{{ label "a }}'), /unterminated quoted string/);
  assert.match(parseError('{{ label "\\q" }}'), /unsupported escape/);
  assert.match(parseError('{{ .Name '), /unclosed action/);
  assert.match(parseError('{{ }}'), /missing value/);
  assert.match(parseError('{{/* open }}'), /unclosed comment/);
});

test('a long template of many actions and stray braces parses whole', () => {
  const parsed = parseHostnameTemplate('{{ .Name }}{x'.repeat(20_000));
  assert.ok('template' in parsed);
  assert.equal(parsed.template.parts.length, 40_000);
  assert.match(parseError('{x'.repeat(20_000) + '{{ .Name'), /^1:40001: unclosed action/);
});

test('DNS-1123 subdomains: lower case labels, at most 253 characters', () => {
  assert.equal(dns1123SubdomainProblem('web.svc.mesh.local'), undefined);
  assert.match(dns1123SubdomainProblem('Web.svc') ?? '', /lower case/);
  assert.match(dns1123SubdomainProblem('web..svc') ?? '', /lower case/);
  assert.match(dns1123SubdomainProblem('-web') ?? '', /start and end/);
  assert.match(dns1123SubdomainProblem('a'.repeat(254)) ?? '', /253/);
});

test('a generator template is checked as Kuma checks it: parsed, rendered with stand-ins, a DNS name', () => {
  assert.equal(hostnameTemplateProblem('{{ .DisplayName }}.{{ label "team" }}.mesh'), undefined);
  assert.equal(hostnameTemplateProblem(''), 'must not be empty');
  assert.match(hostnameTemplateProblem('{{ .Nope }}') ?? '', /^couldn't parse template: /);
  assert.match(hostnameTemplateProblem('{{ .Name }}_x') ?? '', /renders to "name_x" which is not a valid DNS name/);
});
