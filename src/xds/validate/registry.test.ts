// envoyRegistry covers the generated API, and every PGV rule that API carries
// is one this validator implements (an inventory over all generated fields).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScalarType } from '@bufbuild/protobuf';
import type { DescField } from '@bufbuild/protobuf';
import { nestedTypes, reflect } from '@bufbuild/protobuf/reflect';
import type { ScalarValue } from '@bufbuild/protobuf/reflect';
import type { FieldRules } from '../envoy/gen/validate/validate_pb.js';
import { checkValue } from './check-value.js';
import type { Slot } from './check-value.js';
import { envoyFiles, envoyRegistry, UNSUPPORTED_RULE } from './index.js';
import { fieldRulesOf } from './options.js';
import type { Finding } from './violation.js';

const generatedDir = fileURLToPath(new URL('../envoy/gen/', import.meta.url));

function generatedProtoNames(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return generatedProtoNames(path);
    return entry.endsWith('_pb.js')
      ? [
          relative(generatedDir, path)
            .split(sep)
            .join('/')
            .replace(/_pb\.js$/, ''),
        ]
      : [];
  });
}

test('envoyRegistry holds every generated file, so a newly generated root is not forgotten', () => {
  const generated = generatedProtoNames(generatedDir);
  assert.ok(generated.length > 50, `expected the generated Envoy API under ${generatedDir}`);
  const registered = new Set(envoyFiles.map((f) => f.name));
  assert.deepEqual(
    generated.filter((name) => !registered.has(name)),
    [],
  );
});

test('envoyRegistry resolves the types Koguma packs into Any', () => {
  for (const typeName of [
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    'envoy.extensions.filters.http.router.v3.Router',
    'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    'envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin',
    'google.protobuf.Struct',
  ]) {
    assert.ok(envoyRegistry.getMessage(typeName), typeName);
  }
});

/** A stand-in value of the field's type, enough to reach every rule of every family. */
function sampleSlot(field: DescField, part: 'element' | 'key' = 'element'): Slot {
  if (part === 'key' && field.fieldKind === 'map') return scalarSlot(field.mapKey);
  const kind =
    field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
  if (kind === 'message' && field.message)
    return { kind: 'message', desc: field.message, value: reflect(field.message) };
  if (kind === 'enum' && field.enum) return { kind: 'enum', desc: field.enum, value: 0 };
  assert.ok(field.scalar !== undefined);
  return scalarSlot(field.scalar);
}

function scalarSlot(scalar: ScalarType): Slot {
  const samples: Partial<Record<ScalarType, ScalarValue>> = {
    [ScalarType.STRING]: 'x',
    [ScalarType.BYTES]: new Uint8Array(),
    [ScalarType.BOOL]: false,
    [ScalarType.INT64]: 0n,
    [ScalarType.UINT64]: 0n,
    [ScalarType.SINT64]: 0n,
    [ScalarType.FIXED64]: 0n,
    [ScalarType.SFIXED64]: 0n,
  };
  return { kind: 'scalar', scalar, value: samples[scalar] ?? 0 };
}

function unsupportedIn(field: DescField, rules: FieldRules): Finding[] {
  const now = 0n;
  const findings: Finding[] = [];
  const type = rules.type;
  if (field.fieldKind === 'list') {
    findings.push(...checkValue(rules, { kind: 'list', items: { kind: 'values', values: [] } }, now));
    if (type.case === 'repeated' && type.value.items)
      findings.push(...checkValue(type.value.items, sampleSlot(field), now));
  } else if (field.fieldKind === 'map') {
    findings.push(...checkValue(rules, { kind: 'map', size: 0, sparse: 0 }, now));
    if (type.case === 'map' && type.value.keys)
      findings.push(...checkValue(type.value.keys, sampleSlot(field, 'key'), now));
    if (type.case === 'map' && type.value.values)
      findings.push(...checkValue(type.value.values, sampleSlot(field), now));
  } else {
    findings.push(...checkValue(rules, sampleSlot(field), now));
  }
  return findings.filter((f) => f.rule === UNSUPPORTED_RULE);
}

test('every PGV rule carried by the generated Envoy API is implemented', () => {
  const gaps: string[] = [];
  let fieldsWithRules = 0;
  for (const file of envoyFiles) {
    for (const type of nestedTypes(file)) {
      if (type.kind !== 'message') continue;
      for (const field of type.fields) {
        const rules = fieldRulesOf(field);
        if (rules === undefined) continue;
        fieldsWithRules++;
        for (const f of unsupportedIn(field, rules)) gaps.push(`${type.typeName}.${field.name}: ${f.message}`);
      }
    }
  }
  assert.ok(fieldsWithRules > 400, `expected hundreds of Envoy fields with rules, found ${fieldsWithRules}`);
  assert.deepEqual(gaps, []);
});
