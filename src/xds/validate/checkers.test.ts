// The rule checkers one by one, for the rules that no Envoy field in our
// generated API exercises (prefix, hostname, int64, exclusive ranges, …).
// Each row: rules, a value, and the rule names that must fail (none = passes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AnySchema, DurationSchema } from '@bufbuild/protobuf/wkt';
import {
  BoolRulesSchema,
  BytesRulesSchema,
  DoubleRulesSchema,
  DurationRulesSchema,
  EnumRulesSchema,
  FloatRulesSchema,
  Int32RulesSchema,
  Int64RulesSchema,
  KnownRegex,
  MapRulesSchema,
  RepeatedRulesSchema,
  SInt64RulesSchema,
  AnyRulesSchema,
  StringRulesSchema,
  UInt32RulesSchema,
} from '../envoy/gen/validate/validate_pb.js';
import { Cluster_LbPolicySchema } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { checkAny } from './rules-any.js';
import { checkBytes } from './rules-bytes.js';
import { checkMap, checkRepeated } from './rules-collection.js';
import { checkEnum } from './rules-enum.js';
import { checkBool, checkNumeric } from './rules-numeric.js';
import type { NumericFamily, NumericRules } from './rules-numeric.js';
import { checkString } from './rules-string.js';
import { checkDuration, showDuration } from './rules-time.js';
import type { Finding } from './violation.js';

const rulesOf = (findings: readonly Finding[]) => findings.map((f) => f.rule);

type StringCase = [string, MessageInitShape<typeof StringRulesSchema>, string, string[]];
const stringCases: StringCase[] = [
  ['const', { const: 'http' }, 'https', ['string.const']],
  ['len counts characters, not bytes', { len: 2n }, 'éé', []],
  ['len', { len: 2n }, 'abc', ['string.len']],
  ['max_len', { maxLen: 3n }, 'abcd', ['string.max_len']],
  ['len_bytes counts UTF-8 bytes', { lenBytes: 2n }, 'é', []],
  ['min_bytes', { minBytes: 3n }, 'é', ['string.min_bytes']],
  ['prefix', { prefix: '/api' }, '/web', ['string.prefix']],
  ['suffix', { suffix: '.svc' }, 'backend.mesh', ['string.suffix']],
  ['contains', { contains: '.' }, 'backend', ['string.contains']],
  ['not_contains', { notContains: '..' }, 'a..b', ['string.not_contains']],
  ['not_in', { notIn: ['admin'] }, 'admin', ['string.not_in']],
  ['pattern, unanchored like PGV', { pattern: '[0-9]+' }, 'port-8080', []],
  ['pattern mismatch', { pattern: '^[a-z]+$' }, 'Backend', ['string.pattern']],
  ['pattern with RE2 (?i) flag', { pattern: '(?i)^backend$' }, 'BACKEND', []],
  [
    'pattern JavaScript cannot compile is unsupported, not passed',
    { pattern: '[[:alpha:]]+(' },
    'x',
    ['unsupported rule'],
  ],
  ['hostname', { wellKnown: { case: 'hostname', value: true } }, 'backend.mesh.', []],
  [
    'hostname with a leading hyphen label',
    { wellKnown: { case: 'hostname', value: true } },
    'backend.-mesh',
    ['string.hostname'],
  ],
  ['hostname with an underscore', { wellKnown: { case: 'hostname', value: true } }, 'back_end', ['string.hostname']],
  ['hostname: false is no rule', { wellKnown: { case: 'hostname', value: false } }, '!!', []],
  ['ip accepts IPv6', { wellKnown: { case: 'ip', value: true } }, '2001:db8::1', []],
  ['ipv4 refuses IPv6', { wellKnown: { case: 'ipv4', value: true } }, '::1', ['string.ipv4']],
  [
    'ipv6 refuses a zone, as inet_pton does',
    { wellKnown: { case: 'ipv6', value: true } },
    'fe80::1%eth0',
    ['string.ipv6'],
  ],
  ['address takes a hostname', { wellKnown: { case: 'address', value: true } }, 'backend.mesh', []],
  ['address takes an IP', { wellKnown: { case: 'address', value: true } }, '10.0.0.1', []],
  ['address', { wellKnown: { case: 'address', value: true } }, 'not an address', ['string.address']],
  ['uuid', { wellKnown: { case: 'uuid', value: true } }, '123e4567-e89b-12d3-a456-42661417400', ['string.uuid']],
  [
    'strict HTTP_HEADER_NAME accepts HTTP/2 pseudo-headers',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_NAME } },
    ':authority',
    [],
  ],
  [
    'strict HTTP_HEADER_NAME refuses a space',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_NAME } },
    'x y',
    ['string.well_known_regex'],
  ],
  [
    'strict HTTP_HEADER_NAME refuses empty',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_NAME } },
    '',
    ['string.well_known_regex'],
  ],
  [
    'loose HTTP_HEADER_NAME accepts a space',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_NAME }, strict: false },
    'x y',
    [],
  ],
  [
    'strict HTTP_HEADER_VALUE accepts a tab',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_VALUE } },
    'a\tb',
    [],
  ],
  [
    'strict HTTP_HEADER_VALUE refuses DEL',
    { wellKnown: { case: 'wellKnownRegex', value: KnownRegex.HTTP_HEADER_VALUE } },
    'a\u007Fb',
    ['string.well_known_regex'],
  ],
  ['ignore_empty skips every rule on ""', { minLen: 3n, ignoreEmpty: true }, '', []],
  ['ignore_empty still checks a non-empty value', { minLen: 3n, ignoreEmpty: true }, 'ab', ['string.min_len']],
  ['email is unsupported', { wellKnown: { case: 'email', value: true } }, 'a@b.c', ['unsupported rule']],
  ['uri is unsupported', { wellKnown: { case: 'uri', value: true } }, 'https://x', ['unsupported rule']],
  ['uri_ref is unsupported', { wellKnown: { case: 'uriRef', value: true } }, '/x', ['unsupported rule']],
];

for (const [name, rules, value, expected] of stringCases) {
  test(`string ${name}`, () => {
    assert.deepEqual(rulesOf(checkString(create(StringRulesSchema, rules), value)), expected);
  });
}

type NumericCase = [string, NumericFamily, NumericRules, number | bigint, string[]];
const numericCases: NumericCase[] = [
  ['int32 gt 0 admits an explicit zero bound', 'int32', create(Int32RulesSchema, { gt: 0 }), 0, ['int32.gt']],
  ['int32 lt', 'int32', create(Int32RulesSchema, { lt: 10 }), 10, ['int32.lt']],
  ['int32 inside [1, 10]', 'int32', create(Int32RulesSchema, { gte: 1, lte: 10 }), 10, []],
  ['int32 below [1, 10] names gte', 'int32', create(Int32RulesSchema, { gte: 1, lte: 10 }), 0, ['int32.gte']],
  [
    'int32 outside range: lt < gt means exclusive',
    'int32',
    create(Int32RulesSchema, { lt: 0, gt: 10 }),
    5,
    ['int32.range'],
  ],
  ['int32 outside range passes beyond it', 'int32', create(Int32RulesSchema, { lt: 0, gt: 10 }), 11, []],
  ['int32 const', 'int32', create(Int32RulesSchema, { const: 7 }), 8, ['int32.const']],
  ['int32 in', 'int32', create(Int32RulesSchema, { in: [1, 2] }), 3, ['int32.in']],
  ['int32 not_in', 'int32', create(Int32RulesSchema, { notIn: [0] }), 0, ['int32.not_in']],
  [
    'int64 compares beyond 2^53 exactly',
    'int64',
    create(Int64RulesSchema, { lte: 9_007_199_254_740_993n }),
    9_007_199_254_740_994n,
    ['int64.lte'],
  ],
  ['sint64 negative bound', 'sint64', create(SInt64RulesSchema, { gte: -5n }), -6n, ['sint64.gte']],
  ['float gt', 'float', create(FloatRulesSchema, { gt: 0.5 }), 0.25, ['float.gt']],
  ['double NaN passes bounds as in PGV', 'double', create(DoubleRulesSchema, { gt: 0 }), Number.NaN, []],
];

for (const [name, family, rules, value, expected] of numericCases) {
  test(`numeric ${name}`, () => {
    assert.deepEqual(rulesOf(checkNumeric(family, rules, value)), expected);
  });
}

test('numeric messages name the bound and the value', () => {
  assert.deepEqual(checkNumeric('uint32', create(UInt32RulesSchema, { gte: 1, lte: 65535 }), 70000), [
    { rule: 'uint32.lte', message: 'must be inside range [1, 65535], got 70000' },
  ]);
});

test('bool const', () => {
  assert.deepEqual(rulesOf(checkBool(create(BoolRulesSchema, { const: false }), true)), ['bool.const']);
  assert.deepEqual(rulesOf(checkBool(create(BoolRulesSchema), true)), []);
});

test('enum const, in and not_in use the enum value names in messages', () => {
  const rr = 0;
  const maglev = 5;
  assert.deepEqual(checkEnum(create(EnumRulesSchema, { const: rr }), Cluster_LbPolicySchema, maglev), [
    { rule: 'enum.const', message: 'must be ROUND_ROBIN, got MAGLEV' },
  ]);
  assert.deepEqual(rulesOf(checkEnum(create(EnumRulesSchema, { in: [rr] }), Cluster_LbPolicySchema, maglev)), [
    'enum.in',
  ]);
  assert.deepEqual(rulesOf(checkEnum(create(EnumRulesSchema, { notIn: [maglev] }), Cluster_LbPolicySchema, maglev)), [
    'enum.not_in',
  ]);
});

type BytesCase = [string, MessageInitShape<typeof BytesRulesSchema>, number[], string[]];
const bytesCases: BytesCase[] = [
  ['const', { const: new Uint8Array([1]) }, [2], ['bytes.const']],
  ['len', { len: 2n }, [1], ['bytes.len']],
  ['min_len', { minLen: 2n }, [1], ['bytes.min_len']],
  ['prefix', { prefix: new Uint8Array([0xca, 0xfe]) }, [0xca], ['bytes.prefix']],
  ['suffix', { suffix: new Uint8Array([0xfe]) }, [0xca, 0xfe], []],
  ['contains', { contains: new Uint8Array([0xbe]) }, [0xca, 0xfe], ['bytes.contains']],
  ['in', { in: [new Uint8Array([1])] }, [2], ['bytes.in']],
  ['not_in', { notIn: [new Uint8Array([2])] }, [2], ['bytes.not_in']],
  ['pattern over UTF-8', { pattern: '^ab$' }, [0x61, 0x62], []],
  ['ipv4 is 4 bytes', { wellKnown: { case: 'ipv4', value: true } }, [10, 0, 0], ['bytes.ipv4']],
  ['ip is 4 or 16 bytes', { wellKnown: { case: 'ip', value: true } }, new Array<number>(16).fill(0), []],
];

for (const [name, rules, value, expected] of bytesCases) {
  test(`bytes ${name}`, () => {
    assert.deepEqual(rulesOf(checkBytes(create(BytesRulesSchema, rules), new Uint8Array(value))), expected);
  });
}

test('duration const, in, not_in, lte, gte and required', () => {
  const d = (seconds: bigint, nanos = 0) => create(DurationSchema, { seconds, nanos });
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { const: d(1n) }), d(2n))), ['duration.const']);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { in: [d(1n), d(2n)] }), d(3n))), ['duration.in']);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { notIn: [d(0n)] }), d(0n))), ['duration.not_in']);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { lte: d(1n) }), d(1n, 1))), ['duration.lte']);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { gte: d(0n, 1_000_000) }), d(0n, 999_999))), [
    'duration.gte',
  ]);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { required: true }), undefined)), [
    'duration.required',
  ]);
  assert.deepEqual(rulesOf(checkDuration(create(DurationRulesSchema, { gt: d(0n) }), undefined)), []);
});

test('durations print as protobuf JSON does', () => {
  assert.equal(showDuration(0n), '0s');
  assert.equal(showDuration(1_500_000_000n), '1.5s');
  assert.equal(showDuration(-1_000_000n), '-0.001s');
});

test('any required, in and not_in look at the type URL', () => {
  const any = create(AnySchema, { typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
  assert.deepEqual(rulesOf(checkAny(create(AnyRulesSchema, { required: true }), undefined)), ['any.required']);
  assert.deepEqual(
    rulesOf(checkAny(create(AnyRulesSchema, { in: ['type.googleapis.com/envoy.config.listener.v3.Listener'] }), any)),
    ['any.in'],
  );
  assert.deepEqual(rulesOf(checkAny(create(AnyRulesSchema, { notIn: [any.typeUrl] }), any)), ['any.not_in']);
});

test('repeated min_items, max_items and unique', () => {
  const values = (...v: unknown[]) => ({ kind: 'values' as const, values: v });
  assert.deepEqual(rulesOf(checkRepeated(create(RepeatedRulesSchema, { minItems: 2n }), values('a'))), [
    'repeated.min_items',
  ]);
  assert.deepEqual(rulesOf(checkRepeated(create(RepeatedRulesSchema, { maxItems: 1n }), values('a', 'b'))), [
    'repeated.max_items',
  ]);
  assert.deepEqual(rulesOf(checkRepeated(create(RepeatedRulesSchema, { unique: true }), values(1n, 2n, 1n))), [
    'repeated.unique',
  ]);
  assert.deepEqual(
    rulesOf(
      checkRepeated(create(RepeatedRulesSchema, { unique: true }), values(new Uint8Array([1]), new Uint8Array([1]))),
    ),
    ['repeated.unique'],
  );
  assert.deepEqual(rulesOf(checkRepeated(create(RepeatedRulesSchema, { unique: true }), values(1, '1'))), []);
});

test('repeated unique on message items is unsupported, as PGV does not define it', () => {
  assert.deepEqual(
    rulesOf(checkRepeated(create(RepeatedRulesSchema, { unique: true }), { kind: 'message', size: 2 })),
    ['unsupported rule'],
  );
});

test('map min_pairs, max_pairs and no_sparse', () => {
  assert.deepEqual(rulesOf(checkMap(create(MapRulesSchema, { minPairs: 1n }), 0, 0)), ['map.min_pairs']);
  assert.deepEqual(rulesOf(checkMap(create(MapRulesSchema, { maxPairs: 1n }), 2, 0)), ['map.max_pairs']);
  assert.deepEqual(rulesOf(checkMap(create(MapRulesSchema, { noSparse: true }), 2, 1)), ['map.no_sparse']);
});
