// Rules no generated Envoy message carries (timestamp, email, validate.disabled,
// message.skip, unknown rule fields), on descriptors built for the test, walked
// by the same validateMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import {
  SocketAddressSchema,
  file_envoy_config_core_v3_address,
} from '../envoy/gen/envoy/config/core/v3/address_pb.js';
import { FieldRulesSchema, StringRulesSchema } from '../envoy/gen/validate/validate_pb.js';
import { UNSUPPORTED_RULE, validateMessage } from './index.js';
import { FieldDescriptorProto_Type, syntheticMessage } from './testing.js';

const { MESSAGE, STRING, INT32 } = FieldDescriptorProto_Type;
const rules = (init: MessageInitShape<typeof FieldRulesSchema>) => create(FieldRulesSchema, init);
const brief = (schema: DescMessage, init: Record<string, unknown>, now?: Date) =>
  validateMessage(schema, create(schema, init), now === undefined ? {} : { now: () => now }).map(({ path, rule }) => ({
    path,
    rule,
  }));

const NOW = new Date('2030-01-01T00:00:00Z');
const at = (iso: string) => ({ seconds: BigInt(Date.parse(iso) / 1000), nanos: 0 });

test('timestamp required, gt_now and within are checked against the given clock', () => {
  const Token = syntheticMessage('Token', [
    {
      name: 'expires',
      type: MESSAGE,
      typeName: '.google.protobuf.Timestamp',
      rules: rules({ type: { case: 'timestamp', value: { required: true, gtNow: true, within: { seconds: 3600n } } } }),
    },
  ]);
  assert.deepEqual(brief(Token, {}, NOW), [{ path: 'expires', rule: 'timestamp.required' }]);
  assert.deepEqual(brief(Token, { expires: at('2029-12-31T23:00:00Z') }, NOW), [
    { path: 'expires', rule: 'timestamp.gt_now' },
  ]);
  assert.deepEqual(brief(Token, { expires: at('2030-01-01T02:00:00Z') }, NOW), [
    { path: 'expires', rule: 'timestamp.gt_now' },
  ]);
  assert.deepEqual(brief(Token, { expires: at('2030-01-01T00:30:00Z') }, NOW), []);
});

test('timestamp lt, gte, lt_now and within', () => {
  const Event = syntheticMessage('Event', [
    {
      name: 'range',
      type: MESSAGE,
      typeName: '.google.protobuf.Timestamp',
      rules: rules({
        type: { case: 'timestamp', value: { gte: at('2020-01-01T00:00:00Z'), lt: at('2021-01-01T00:00:00Z') } },
      }),
    },
    {
      name: 'past',
      type: MESSAGE,
      typeName: '.google.protobuf.Timestamp',
      rules: rules({ type: { case: 'timestamp', value: { ltNow: true } } }),
    },
    {
      name: 'near',
      type: MESSAGE,
      typeName: '.google.protobuf.Timestamp',
      rules: rules({ type: { case: 'timestamp', value: { within: { seconds: 60n } } } }),
    },
  ]);
  assert.deepEqual(
    brief(
      Event,
      {
        range: at('2021-01-01T00:00:00Z'),
        past: at('2030-01-01T00:00:01Z'),
        near: at('2030-01-01T00:02:00Z'),
      },
      NOW,
    ),
    [
      { path: 'range', rule: 'timestamp.lt' },
      { path: 'past', rule: 'timestamp.lt_now' },
      { path: 'near', rule: 'timestamp.within' },
    ],
  );
});

test('(validate.disabled) turns off every rule of the message', () => {
  const fields = [{ name: 'name', type: STRING, rules: rules({ type: { case: 'string', value: { minLen: 1n } } }) }];
  assert.deepEqual(brief(syntheticMessage('Checked', fields), {}), [{ path: 'name', rule: 'string.min_len' }]);
  assert.deepEqual(brief(syntheticMessage('Unchecked', fields, { disabled: true }), {}), []);
});

test('message skip stops the walk at that field, other fields are still walked', () => {
  const Upstream = syntheticMessage(
    'Upstream',
    [
      { name: 'checked', type: MESSAGE, typeName: `.${SocketAddressSchema.typeName}` },
      {
        name: 'skipped',
        type: MESSAGE,
        typeName: `.${SocketAddressSchema.typeName}`,
        rules: rules({
          // PGV's message.skip rule (do not validate this field's message), not a skipped test.
          message: {
            skip: true,
          },
        }),
      },
    ],
    { imports: [file_envoy_config_core_v3_address] },
  );
  const badPort = create(SocketAddressSchema, {
    address: '10.0.0.1',
    portSpecifier: { case: 'portValue', value: 70000 },
  });
  assert.deepEqual(brief(Upstream, { checked: badPort, skipped: badPort }), [
    { path: 'checked.port_value', rule: 'uint32.lte' },
  ]);
});

test('a string email rule is reported as unsupported, not passed', () => {
  const Contact = syntheticMessage('Contact', [
    {
      name: 'email',
      type: STRING,
      rules: rules({ type: { case: 'string', value: { wellKnown: { case: 'email', value: true } } } }),
    },
  ]);
  const violations = validateMessage(Contact, create(Contact, { email: 'ops@example.com' }));
  assert.deepEqual(
    violations.map(({ path, rule }) => ({ path, rule })),
    [{ path: 'email', rule: UNSUPPORTED_RULE }],
  );
  assert.match(violations[0]?.message ?? '', /string\.email/);
});

test('a rule field newer than our validate.proto is reported as unsupported', () => {
  const stringRules = create(StringRulesSchema, { minLen: 1n });
  stringRules.$unknown = [{ no: 27, wireType: WireType.Varint, data: new Uint8Array([1]) }];
  const Named = syntheticMessage('Named', [
    { name: 'name', type: STRING, rules: rules({ type: { case: 'string', value: stringRules } }) },
  ]);
  const violations = validateMessage(Named, create(Named, { name: 'backend' }));
  assert.deepEqual(violations, [
    { path: 'name', rule: UNSUPPORTED_RULE, message: 'string.#27: rule not implemented by this validator' },
  ]);
});

test('rules that do not fit the field type are reported as unsupported', () => {
  const Port = syntheticMessage('Port', [
    { name: 'port', type: INT32, rules: rules({ type: { case: 'string', value: { minLen: 1n } } }) },
  ]);
  assert.deepEqual(brief(Port, { port: 1 }), [{ path: 'port', rule: UNSUPPORTED_RULE }]);
});
