import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostnameTemplateProblem } from './hostname-template.js';
import { expectAccepted, expectRefusedAt } from './testing.js';

const generator = (spec: unknown) => ({ type: 'HostnameGenerator', name: 'local-mesh-service', spec });

describe('HostnameGenerator', () => {
  it('accepts the documented examples', () => {
    expectAccepted(
      generator({
        selector: { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } },
        template: '{{ .DisplayName }}.svc.mesh.local',
      }),
    );
    expectAccepted(
      generator({
        selector: { meshExternalService: { matchLabels: { 'kuma.io/origin': 'zone' } } },
        template: '{{ .DisplayName }}.{{ .Zone }}.extsvc.mesh.local',
      }),
    );
    expectAccepted(
      generator({ selector: { meshMultiZoneService: {} }, template: '{{ label "app" }}.mzsvc.mesh.local' }),
    );
  });

  it('refuses no selector or two, and an empty template', () => {
    expectRefusedAt(generator({ template: '{{ .Name }}.mesh' }), ['spec.selector']);
    expectRefusedAt(generator({ selector: { meshService: {}, meshExternalService: {} }, template: '' }), [
      'spec.selector',
      'spec.template',
    ]);
    expectRefusedAt(generator({ selector: { meshService: {} } }), ['spec.template']);
  });

  it('refuses a template with an unknown action or one that renders to no host name', () => {
    const [issue] = expectRefusedAt(generator({ selector: { meshService: {} }, template: '{{ .Port }}.mesh' }), [
      'spec.template',
    ]);
    assert.match(issue!.reason, /unknown action/);
    assert.match(hostnameTemplateProblem('{{ .Name }}_svc') ?? '', /not a DNS name/);
    assert.match(hostnameTemplateProblem('{{ .Name }.mesh') ?? '', /unclosed/);
    assert.equal(hostnameTemplateProblem('{{- .Mesh -}}.{{ label "kuma.io/zone" }}'), undefined);
  });
});
