/**
 * Why a name is not a DNS label, in Kubernetes' words (Kuma quotes them in its
 * errors and warnings, and a script may match on them); empty when it is one.
 */

const MAX_LABEL = 63;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const tooLong = `must be no more than ${MAX_LABEL} characters`;

/** Why a value is not an RFC 1123 label, in Kubernetes' words; empty when it is one. */
export function dns1123LabelProblems(value: string): string[] {
  const problems = value.length > MAX_LABEL ? [tooLong] : [];
  if (!DNS1123_LABEL.test(value))
    problems.push(
      DNS1123_SUBDOMAIN.test(value)
        ? 'must not contain dots'
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  return problems;
}

export function dns1035LabelProblems(value: string): string[] {
  const problems = value.length > MAX_LABEL ? [tooLong] : [];
  if (!DNS1035_LABEL.test(value))
    problems.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  return problems;
}
