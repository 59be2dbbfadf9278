import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const accessLog = (spec: unknown) => policyDocument('MeshAccessLog', spec, 'default-logging');

/** Outbound logging to every destination with these backends. */
const toAll = (backends: unknown) => ({
  targetRef: { kind: 'Mesh' },
  to: [{ targetRef: { kind: 'Mesh' }, default: { backends } }],
});

const logging = {
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'MeshService', name: 'backend' },
      default: {
        backends: [
          {
            type: 'File',
            file: {
              path: '/dev/stdout',
              format: { type: 'Plain', plain: '[%START_TIME%] %KUMA_MESH% %UPSTREAM_HOST%', omitEmptyValues: false },
            },
          },
          {
            type: 'Tcp',
            tcp: {
              address: '127.0.0.1:5000',
              format: {
                type: 'Json',
                json: [
                  { key: 'start_time', value: '%START_TIME%' },
                  { key: 'bytes_received', value: '%BYTES_RECEIVED%' },
                ],
                omitEmptyValues: true,
              },
            },
          },
          {
            type: 'OpenTelemetry',
            openTelemetry: {
              endpoint: 'otel-collector.observability:4317',
              attributes: [{ key: 'mesh', value: '%KUMA_MESH%' }],
              body: { kvlistValue: { values: [{ key: 'mesh', value: { stringValue: '%KUMA_MESH%' } }] } },
            },
          },
        ],
      },
    },
  ],
  from: [
    { targetRef: { kind: 'Mesh' }, default: { backends: [{ type: 'File', file: { path: '/tmp/inbound.log' } }] } },
  ],
};

describe('MeshAccessLog schema', () => {
  it('accepts file, tcp and OpenTelemetry backends with plain and JSON formats, keeping the spec as given', () => {
    expectValidAsGiven(accessLog(logging), { name: 'MeshAccessLog', shortName: 'mal', order: 600 });
  });

  it('accepts inbound rules, a collector backendRef and an empty backends list that turns logging off', () => {
    const spec = {
      rules: [
        {
          default: {
            backends: [
              {
                type: 'OpenTelemetry',
                openTelemetry: { backendRef: { kind: 'MeshOpenTelemetryBackend', name: 'main-collector' } },
              },
            ],
          },
        },
      ],
    };
    expectValidAsGiven(accessLog(spec));
    expectValidAsGiven(accessLog(toAll([])));
  });

  it('rejects a policy with none of to, from or rules', () => {
    expectIssues(accessLog({ targetRef: { kind: 'Mesh' } }), [
      { field: 'spec.to', reason: 'at least one of to, from or rules must be set' },
    ]);
  });

  it('rejects from together with rules', () => {
    const conf = { backends: [] };
    expectIssues(accessLog({ rules: [{ default: conf }], from: [{ targetRef: { kind: 'Mesh' }, default: conf }] }), [
      { field: 'spec.from', reason: 'must be empty when rules is set' },
    ]);
  });

  it('rejects an entry without backends', () => {
    expectIssues(accessLog({ to: [{ targetRef: { kind: 'Mesh' }, default: {} }] }), [
      { field: 'spec.to[0].default.backends', reason: 'is required' },
    ]);
  });

  it('rejects a backend missing the configuration its type names', () => {
    expectIssues(accessLog(toAll([{ type: 'File', tcp: { address: '127.0.0.1:5000' } }])), [
      { field: 'spec.to[0].default.backends[0].file', reason: 'is required when type is File' },
    ]);
  });

  it('rejects a relative file path and a malformed tcp address', () => {
    expectIssues(
      accessLog(
        toAll([
          { type: 'File', file: { path: 'logs/access.log' } },
          { type: 'Tcp', tcp: { address: 'logstash:5000/x y' } },
        ]),
      ),
      [
        { field: 'spec.to[0].default.backends[0].file.path', reason: 'must be an absolute file path' },
        { field: 'spec.to[0].default.backends[1].tcp.address', reason: 'must be an address like 127.0.0.1:5000' },
      ],
    );
  });

  it('rejects a format type other than Plain or Json', () => {
    expectIssues(
      accessLog(
        toAll([{ type: 'File', file: { path: '/tmp/a.log', format: { type: 'plain', plain: '%START_TIME%' } } }]),
      ),
      [{ field: 'spec.to[0].default.backends[0].file.format.type', reason: 'must be one of: Plain, Json' }],
    );
  });

  it('rejects a format without the template its type names', () => {
    expectIssues(
      accessLog(
        toAll([
          { type: 'File', file: { path: '/tmp/a.log', format: { type: 'Plain' } } },
          { type: 'Tcp', tcp: { address: 'logstash:5000', format: { type: 'Json', json: [] } } },
        ]),
      ),
      [
        { field: 'spec.to[0].default.backends[0].file.format.plain', reason: 'must not be empty when type is Plain' },
        { field: 'spec.to[0].default.backends[1].tcp.format.json', reason: 'must not be empty when type is Json' },
      ],
    );
  });

  it('rejects a JSON field that would not produce valid JSON', () => {
    const format = {
      type: 'Json',
      json: [
        { key: 'say "hi"', value: '%START_TIME%' },
        { key: 'path', value: '' },
      ],
    };
    expectIssues(accessLog(toAll([{ type: 'File', file: { path: '/tmp/a.log', format } }])), [
      {
        field: 'spec.to[0].default.backends[0].file.format.json[0]',
        reason: 'must form a valid JSON field: escape quotes and backslashes',
      },
      { field: 'spec.to[0].default.backends[0].file.format.json[1].value', reason: 'must not be empty' },
    ]);
  });

  it('rejects an OpenTelemetry backend without a collector, or with a non-http URL', () => {
    expectIssues(
      accessLog(
        toAll([
          { type: 'OpenTelemetry', openTelemetry: { attributes: [] } },
          { type: 'OpenTelemetry', openTelemetry: { endpoint: 'ftp://collector:21' } },
        ]),
      ),
      [
        {
          field: 'spec.to[0].default.backends[0].openTelemetry.endpoint',
          reason: 'is required unless backendRef is set',
        },
        { field: 'spec.to[0].default.backends[1].openTelemetry.endpoint', reason: 'URL scheme must be http or https' },
      ],
    );
  });

  it('rejects a from source other than Mesh and a backend type it does not know', () => {
    expectIssues(
      accessLog({
        from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { backends: [{ type: 'Syslog' }] } }],
      }),
      [
        { field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' },
        { field: 'spec.from[0].default.backends[0].type', reason: 'must be one of: Tcp, File, OpenTelemetry' },
      ],
    );
  });
});
