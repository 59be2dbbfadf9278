/**
 * Reading a few fields of an encoded message without decoding the rest. A
 * packed config (an `Any`) is decoded by protobuf-es into a whole message
 * with every field set to its default, which for an HTTP connection manager
 * takes tens of microseconds; reading the two or three fields a caller needs
 * straight from the wire format takes a fraction of that.
 *
 * Field numbers come from the generated schemas, by name, so nothing here
 * hard-codes the Envoy API.
 */
import type { DescMessage } from '@bufbuild/protobuf';

/** The number of a field of a generated message, by its protobuf-es name (`routeConfig`). */
export function fieldNumber(schema: DescMessage, localName: string): number {
  const field = schema.field[localName];
  if (field === undefined) throw new Error(`${schema.typeName} has no field ${localName}`);
  return field.number;
}

// Wire types (https://protobuf.dev/programming-guides/encoding/#structure); groups do not occur in the Envoy API.
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/**
 * Calls `visit` with the number and wire type of each field of an encoded
 * message, in order, and for a length-delimited field its bytes (a view, not
 * a copy). Hand-rolled rather than protobuf-es's BinaryReader, which costs
 * more to set up than these small messages take to read.
 */
function scan(message: Uint8Array, visit: (field: number, wireType: number, value: Uint8Array | undefined) => void): void {
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= message.length || shift > 63) throw new Error('malformed protobuf: a varint runs past the message');
      const byte = message[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (pos < message.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    let value: Uint8Array | undefined;
    if (wireType === VARINT) varint();
    else if (wireType === I64) pos += 8;
    else if (wireType === I32) pos += 4;
    else if (wireType === LEN) {
      const length = varint();
      value = message.subarray(pos, pos + length);
      pos += length;
    } else throw new Error(`malformed protobuf: wire type ${wireType} of field ${field}`);
    if (pos > message.length) throw new Error(`malformed protobuf: field ${field} runs past the message`);
    visit(field, wireType, value);
  }
}

/** Every value of a length-delimited field (a message, a string, bytes; repeated or not) of an encoded message, in order. */
export function fieldValues(message: Uint8Array, number: number): Uint8Array[] {
  const values: Uint8Array[] = [];
  scan(message, (field, _wireType, value) => {
    if (field === number && value !== undefined) values.push(value);
  });
  return values;
}

const utf8 = new TextDecoder();

/** A string field of an encoded message; '' when it is not set (the last value when repeated, as a decoder takes it). */
export function stringField(message: Uint8Array, number: number): string {
  const value = fieldValues(message, number).at(-1);
  return value === undefined ? '' : utf8.decode(value);
}

/** Which of these fields an encoded message sets, whatever their wire type. */
export function fieldsSet(message: Uint8Array, numbers: readonly number[]): Set<number> {
  const set = new Set<number>();
  scan(message, (field) => {
    if (numbers.includes(field)) set.add(field);
  });
  return set;
}
