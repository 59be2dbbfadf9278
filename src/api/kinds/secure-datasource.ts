/**
 * Kuma's typed data sources (MeshIdentity's CA): `type` says which one field
 * holds the data. Checked in two steps so an error names the missing field.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { ReferenceName, Strict, StringEnum } from '../primitives.js';

export const SecureDataSource = (description: string) =>
  Strict(
    {
      type: StringEnum(['File', 'Secret', 'EnvVar', 'InsecureInline']),
      file: Type.Optional(Strict({ path: Type.String({ minLength: 1, maxLength: 4096 }) })),
      envVar: Type.Optional(Strict({ name: Type.String({ minLength: 1 }) })),
      insecureInline: Type.Optional(Strict({ value: Type.String({ minLength: 1 }) })),
      secretRef: Type.Optional(Strict({ kind: StringEnum(['Secret']), name: ReferenceName() })),
    },
    { description },
  );

type Source = Static<ReturnType<typeof SecureDataSource>>;

const fieldOf = { File: 'file', Secret: 'secretRef', EnvVar: 'envVar', InsecureInline: 'insecureInline' } as const;

export function checkSecureDataSource(source: Source, at: string): InvalidParameter[] {
  const field = fieldOf[source.type];
  const issues: InvalidParameter[] = [];
  if (source[field] === undefined)
    issues.push({ field: `${at}.${field}`, reason: `is required when type is ${source.type}` });
  for (const other of Object.values(fieldOf))
    if (other !== field && source[other] !== undefined)
      issues.push({ field: `${at}.${other}`, reason: `must be absent when type is ${source.type}` });
  if (source.file?.path.includes('..'))
    issues.push({ field: `${at}.file.path`, reason: 'must not contain ".." (directory traversal)' });
  return issues;
}
