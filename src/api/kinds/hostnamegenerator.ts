/**
 * HostnameGenerator: the host names the control plane gives to the services a
 * selector picks (MeshService, MeshExternalService or MeshMultiZoneService),
 * from a template over each service's identity.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Strict } from '../primitives.js';
import { hostnameTemplateProblem } from './hostname-template.js';
import { Extension, LabelSelector } from './label-selector.js';

export const HostnameGeneratorSpec = Type.Object(
  {
    selector: Type.Optional(
      Strict(
        {
          meshService: Type.Optional(LabelSelector('MeshServices to name.')),
          meshExternalService: Type.Optional(LabelSelector('MeshExternalServices to name.')),
          meshMultiZoneService: Type.Optional(LabelSelector('MeshMultiZoneServices to name.')),
        },
        { description: 'Which services get host names; exactly one kind.' },
      ),
    ),
    template: Type.String({
      description:
        'Go template of the host name: {{ .Name }}, {{ .DisplayName }}, {{ .Namespace }}, {{ .Mesh }}, {{ .Zone }}, {{ label "key" }}.',
    }),
    extension: Type.Optional(Extension),
  },
  { additionalProperties: false },
);

export type HostnameGeneratorSpec = Static<typeof HostnameGeneratorSpec>;

function checkHostnameGenerator(spec: HostnameGeneratorSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const selector = spec.selector ?? {};
  const kinds = [selector.meshService, selector.meshExternalService, selector.meshMultiZoneService];
  if (kinds.filter((s) => s !== undefined).length !== 1)
    issues.push({
      field: 'selector',
      reason: 'must have exactly one of meshService, meshExternalService or meshMultiZoneService',
    });
  if (spec.template === '') issues.push({ field: 'template', reason: 'must not be empty' });
  else {
    const problem = hostnameTemplateProblem(spec.template);
    if (problem !== undefined) issues.push({ field: 'template', reason: problem });
  }
  return issues;
}

export const HostnameGeneratorKind = defineKind({
  name: 'HostnameGenerator',
  plural: 'hostnamegenerators',
  shortName: 'hg',
  singularDisplayName: 'Hostname Generator',
  pluralDisplayName: 'Hostname Generators',
  scope: 'Global',
  shape: 'enveloped',
  spec: HostnameGeneratorSpec,
  check: checkHostnameGenerator,
});
