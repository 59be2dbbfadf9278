import { describe, expect, it } from 'vitest';
import { writeAccess } from './write';

const admin = { name: 'mesh-system:admin', groups: ['mesh-system:admin', 'mesh-system:authenticated'] };
const anonymous = { name: 'mesh-system:anonymous', groups: ['mesh-system:unauthenticated'] };
const user = { name: 'alice', groups: ['mesh-system:authenticated'] };

describe('whether the API would take a write', () => {
  it('refuses every write while the API is read-only, even an administrator', () => {
    expect(writeAccess({ apiReadOnly: true }, admin)).toEqual({ allowed: false, reason: 'readOnly' });
  });

  it('takes an administrator, asks an anonymous caller to sign in, and tells a user why not', () => {
    expect(writeAccess({}, admin)).toEqual({ allowed: true });
    expect(writeAccess({}, anonymous)).toEqual({ allowed: false, reason: 'signIn' });
    expect(writeAccess({}, user)).toEqual({ allowed: false, reason: 'notAdmin' });
  });

  it('does not guess before it knows the configuration and the caller', () => {
    expect(writeAccess(undefined, admin)).toEqual({ allowed: false, reason: 'unknown' });
  });
});
