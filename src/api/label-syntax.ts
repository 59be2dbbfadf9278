/**
 * Why a resource's label keys and values are refused, in the words of the
 * Kubernetes rules Kuma applies to them (a script may match on them): keys in
 * sorted order, every problem of a key listed, at `labels["<key>"]`.
 */
import type { InvalidParameter } from './errors.js';

const MAX_NAME = 63;
const MAX_SUBDOMAIN = 253;
const NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const VALUE_FORMAT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const whole = (format: string) => new RegExp(`^${format}$`);

const example = (message: string, format: string, ...examples: string[]): string =>
  `${message} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${format}')`;

const NAME_MESSAGE = example(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  NAME_FORMAT,
  'MyName',
  'my.name',
  '123-abc',
);
const tooLong = (max: number) => `must be no more than ${max} characters`;

function keyProblems(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2)
    return [
      `a valid label key ${NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  const problems: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') problems.push('prefix part must be non-empty');
    else {
      if (prefix.length > MAX_SUBDOMAIN) problems.push(`prefix part ${tooLong(MAX_SUBDOMAIN)}`);
      if (!whole(SUBDOMAIN_FORMAT).test(prefix))
        problems.push(
          `prefix part ${example("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN_FORMAT, 'example.com')}`,
        );
    }
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (name.length > MAX_NAME) problems.push(`name part ${tooLong(MAX_NAME)}`);
  if (!whole(NAME_FORMAT).test(name)) problems.push(`name part ${NAME_MESSAGE}`);
  return problems;
}

function valueProblems(value: string): string[] {
  const problems = value.length > MAX_NAME ? [tooLong(MAX_NAME)] : [];
  if (!whole(VALUE_FORMAT).test(value))
    problems.push(
      example(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        VALUE_FORMAT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  return problems;
}

/** Every problem of a labels map whose keys and values are strings; empty when it has none. */
export function labelSyntaxIssues(labels: Readonly<Record<string, string>>): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  for (const key of Object.keys(labels).sort()) {
    const field = `labels[${JSON.stringify(key)}]`;
    for (const reason of [...keyProblems(key), ...valueProblems(labels[key]!)]) issues.push({ field, reason });
  }
  return issues;
}
