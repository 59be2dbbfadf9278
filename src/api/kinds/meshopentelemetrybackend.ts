/**
 * MeshOpenTelemetryBackend: one OpenTelemetry collector that MeshMetric,
 * MeshTrace and MeshAccessLog can send to by reference.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineKind } from '../kind.js';
import { Port, Strict, StringEnum } from '../primitives.js';

export const MeshOpenTelemetryBackendSpec = Type.Object(
  {
    endpoint: Type.Optional(
      Strict({
        address: Type.Optional(Type.String({ minLength: 1, description: 'Host name or IP of the collector.' })),
        port: Type.Optional(Port({ description: 'Default 4317 (gRPC) or 4318 (HTTP).' })),
        path: Type.Optional(
          Type.String({ pattern: '^/', errorMessage: 'must start with /', description: 'HTTP only.' }),
        ),
      }),
    ),
    protocol: Type.Optional(StringEnum(['grpc', 'http'], { description: 'Default grpc.' })),
    env: Type.Optional(
      Strict({
        mode: Type.Optional(StringEnum(['Disabled', 'Optional', 'Required'], { description: 'Default Optional.' })),
        precedence: Type.Optional(StringEnum(['ExplicitFirst', 'EnvFirst'], { description: 'Default EnvFirst.' })),
        allowSignalOverrides: Type.Optional(Type.Boolean({ description: 'Default true.' })),
      }),
    ),
  },
  { additionalProperties: false },
);

export type MeshOpenTelemetryBackendSpec = Static<typeof MeshOpenTelemetryBackendSpec>;

export const MeshOpenTelemetryBackendKind = defineKind({
  name: 'MeshOpenTelemetryBackend',
  plural: 'meshopentelemetrybackends',
  shortName: 'motb',
  singularDisplayName: 'Mesh OpenTelemetry Backend',
  pluralDisplayName: 'Mesh OpenTelemetry Backends',
  scope: 'Mesh',
  shape: 'enveloped',
  spec: MeshOpenTelemetryBackendSpec,
  hasStatus: true,
});
