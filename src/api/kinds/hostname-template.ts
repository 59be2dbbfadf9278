/**
 * Hostname templates, as HostnameGenerator and MeshIdentity write them:
 * Go template actions over a resource's identity, `{{ .DisplayName }}.{{ .Mesh }}.mesh.local`
 * or `{{ label "kuma.io/display-name" }}`. Only these actions are accepted; a
 * template is checked by rendering it with placeholder values.
 */

const FIELDS = ['Name', 'DisplayName', 'Namespace', 'Mesh', 'Zone'] as const;
const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const FIELD = /^\.([A-Za-z]+)$/;
const LABEL = /^label\s+"([^"\\]*)"$/;

export type Rendered = { readonly text: string } | { readonly problem: string };

/**
 * Renders a template with each field's own name in lower case and each label
 * as `label`. `fields` are the names the template may use.
 */
export function renderTemplate(template: string, fields: readonly string[] = FIELDS): Rendered {
  let problem: string | undefined;
  const text = template.replace(ACTION, (_, action: string) => {
    const field = FIELD.exec(action)?.[1];
    if (field !== undefined && fields.includes(field)) return field.toLowerCase();
    if (LABEL.test(action)) return 'label';
    problem ??= `unknown action {{ ${action} }}: use .${fields.join(', .')} or label "<key>"`;
    return '';
  });
  if (problem !== undefined) return { problem };
  if (/\{\{|\}\}/.test(text)) return { problem: 'has an unclosed {{ or a stray }}' };
  return { text };
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a hostname template cannot produce host names; undefined when it can. */
export function hostnameTemplateProblem(template: string): string | undefined {
  const rendered = renderTemplate(template);
  if ('problem' in rendered) return rendered.problem;
  if (rendered.text.length > 253 || !DNS1123_SUBDOMAIN.test(rendered.text))
    return `renders to ${JSON.stringify(rendered.text)}, which is not a DNS name (lower case letters, digits, "-" and ".", at most 253 characters)`;
  return undefined;
}
