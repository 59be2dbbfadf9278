import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const route = (spec: unknown) => policyDocument('MeshHTTPRoute', spec, 'backend-split');

/** A sidecar route: spec with one rule, whose `default` is replaced per test. */
const withRule = (rule: Record<string, unknown>, top: Record<string, unknown> = { kind: 'Mesh' }) => ({
  targetRef: top,
  to: [
    {
      targetRef: { kind: 'MeshService', name: 'backend' },
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], ...rule }],
    },
  ],
});
const backendRefs = [{ kind: 'MeshService', name: 'backend-v1' }];

const split = {
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'MeshService', name: 'backend_kuma-demo_svc_3001' },
      rules: [
        {
          matches: [
            {
              path: { type: 'PathPrefix', value: '/api' },
              method: 'GET',
              headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }],
              queryParams: [{ type: 'RegularExpression', name: 'debug', value: '^(1|true)$' }],
            },
          ],
          default: {
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: { set: [{ name: 'x-custom', value: 'abc' }], remove: ['x-legacy'] },
              },
              {
                type: 'URLRewrite',
                urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2/api' } },
              },
              {
                type: 'RequestMirror',
                requestMirror: { percentage: '12.5', backendRef: { kind: 'MeshService', name: 'audit' } },
              },
            ],
            backendRefs: [
              { kind: 'MeshService', name: 'backend-v1', namespace: 'kuma-demo', port: 3001, weight: 90 },
              { kind: 'MeshServiceSubset', name: 'backend_kuma-demo_svc_3001', tags: { version: 'v2' }, weight: 10 },
            ],
          },
        },
      ],
    },
  ],
};

describe('MeshHTTPRoute schema', () => {
  it('accepts a traffic split with matches, filters and weighted backends, keeping the spec as given', () => {
    expectValidAsGiven(route(split), { name: 'MeshHTTPRoute', shortName: 'mhttpr', order: 100 });
  });

  it('accepts a gateway route with hostnames, a Mesh destination and a redirect without backends', () => {
    const spec = {
      targetRef: { kind: 'MeshGateway', name: 'edge-gateway' },
      to: [
        {
          targetRef: { kind: 'Mesh' },
          hostnames: ['example.com'],
          rules: [
            {
              matches: [{ path: { type: 'Exact', value: '/old' } }],
              default: {
                filters: [
                  {
                    type: 'RequestRedirect',
                    requestRedirect: { scheme: 'https', statusCode: 301, hostname: 'www.example.com' },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    expectValidAsGiven(route(spec));
  });

  it('rejects a negative backendRef weight', () => {
    const spec = withRule({ default: { backendRefs: [{ kind: 'MeshService', name: 'backend-v1', weight: -1 }] } });
    expectIssues(route(spec), [
      { field: 'spec.to[0].rules[0].default.backendRefs[0].weight', reason: 'must be an integer from 0 to 4294967295' },
    ]);
  });

  it('rejects an Exact path that is not absolute', () => {
    const spec = withRule({ matches: [{ path: { type: 'Exact', value: 'api' } }], default: { backendRefs } });
    expectIssues(route(spec), [
      { field: 'spec.to[0].rules[0].matches[0].path.value', reason: 'must be an absolute path' },
    ]);
  });

  it('rejects a PathPrefix with a trailing slash', () => {
    const spec = withRule({ matches: [{ path: { type: 'PathPrefix', value: '/api/' } }], default: { backendRefs } });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].matches[0].path.value',
        reason: 'must not end with "/": a prefix matches whole path segments only',
      },
    ]);
  });

  it('rejects a path regular expression that does not compile', () => {
    const spec = withRule({
      matches: [{ path: { type: 'RegularExpression', value: '/api/(v1' } }],
      default: { backendRefs },
    });
    expectIssues(route(spec), [
      { field: 'spec.to[0].rules[0].matches[0].path.value', reason: 'must be a valid regular expression' },
    ]);
  });

  it('rejects a rule without matches', () => {
    const spec = withRule({ matches: [], default: { backendRefs } });
    expectIssues(route(spec), [{ field: 'spec.to[0].rules[0].matches', reason: 'must have at least 1 item' }]);
  });

  it('rejects a value on a Present header match and a repeated query parameter', () => {
    const match = {
      headers: [{ type: 'Present', name: 'x-debug', value: 'yes' }],
      queryParams: [
        { type: 'Exact', name: 'page', value: '1' },
        { type: 'Exact', name: 'page', value: '2' },
      ],
    };
    expectIssues(route(withRule({ matches: [match], default: { backendRefs } })), [
      { field: 'spec.to[0].rules[0].matches[0].queryParams[1].name', reason: 'page is already matched' },
      { field: 'spec.to[0].rules[0].matches[0].headers[0].value', reason: 'must not be set when type is Present' },
    ]);
  });

  it('rejects unknown fields', () => {
    const spec = withRule({ default: { backendRefs, timeout: '5s' } });
    expectIssues(route(spec), [{ field: 'spec.to[0].rules[0].default.timeout', reason: 'unknown field' }]);
  });

  it('rejects a backendRef kind routes cannot send to', () => {
    const spec = withRule({ default: { backendRefs: [{ kind: 'Mesh' }] } });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.backendRefs[0].kind',
        reason: 'must be one of: MeshService, MeshServiceSubset, MeshExternalService, MeshMultiZoneService',
      },
    ]);
  });

  it('rejects a MeshService backendRef without name or labels', () => {
    const spec = withRule({ default: { backendRefs: [{ kind: 'MeshService', weight: 1 }] } });
    expectIssues(route(spec), [
      { field: 'spec.to[0].rules[0].default.backendRefs[0]', reason: 'a MeshService targetRef needs name or labels' },
    ]);
  });

  it('rejects a MeshHTTPRoute as top-level targetRef', () => {
    const spec = withRule({ default: { backendRefs } }, { kind: 'MeshHTTPRoute', name: 'other' });
    expectIssues(route(spec), [
      {
        field: 'spec.targetRef.kind',
        reason: 'must be one of: Mesh, Dataplane, MeshSubset, MeshGateway, MeshService, MeshServiceSubset',
      },
    ]);
  });

  it('rejects a Mesh destination and hostnames on a sidecar route', () => {
    const spec = { to: [{ targetRef: { kind: 'Mesh' }, hostnames: ['example.com'], rules: [] }] };
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].targetRef.kind',
        reason: 'must be MeshService, MeshExternalService or MeshMultiZoneService',
      },
      { field: 'spec.to[0].hostnames', reason: 'can only be set when the top-level targetRef is a MeshGateway' },
    ]);
  });

  it('rejects a service destination on a gateway route', () => {
    const spec = withRule({ default: { backendRefs } }, { kind: 'MeshGateway', name: 'edge-gateway' });
    expectIssues(route(spec), [
      { field: 'spec.to[0].targetRef.kind', reason: 'must be Mesh when the top-level targetRef is a MeshGateway' },
    ]);
  });

  it('rejects a gateway rule with neither backendRefs nor a redirect', () => {
    const spec = {
      targetRef: { kind: 'MeshGateway', name: 'edge-gateway' },
      to: [{ targetRef: { kind: 'Mesh' }, rules: [{ matches: [{ method: 'GET' }], default: {} }] }],
    };
    expectIssues(route(spec), [
      { field: 'spec.to[0].rules[0].default.backendRefs', reason: 'must not be empty unless the rule redirects' },
    ]);
  });

  it('rejects a filter whose configuration is missing for its type', () => {
    const spec = withRule({ default: { filters: [{ type: 'RequestRedirect' }] } });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].requestRedirect',
        reason: 'is required when type is RequestRedirect',
      },
    ]);
  });

  it('rejects a redirect status code outside 301, 302, 303, 307, 308', () => {
    const spec = withRule({
      default: { filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 305 } }] },
    });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].requestRedirect.statusCode',
        reason: 'must be one of: 301, 302, 303, 307, 308',
      },
    ]);
  });

  it('rejects replacePrefixMatch when a match is not a path prefix, and a redirect host that is an IP', () => {
    const redirect = { hostname: '10.0.0.1', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } };
    const spec = withRule({
      matches: [{ path: { type: 'Exact', value: '/v1' } }],
      default: { filters: [{ type: 'RequestRedirect', requestRedirect: redirect }] },
    });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].requestRedirect.hostname',
        reason: 'must be a host name, not an IP address',
      },
      {
        field: 'spec.to[0].rules[0].default.filters[0].requestRedirect.path.replacePrefixMatch',
        reason: 'can only be used when every match is a PathPrefix match',
      },
    ]);
  });

  it('rejects a path rewrite without the value its type names', () => {
    const spec = withRule({
      default: { filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath' } } }], backendRefs },
    });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].urlRewrite.path.replaceFullPath',
        reason: 'is required when type is ReplaceFullPath',
      },
    ]);
  });

  it('rejects hostToBackendHostname outside a gateway', () => {
    const spec = withRule({
      default: { filters: [{ type: 'URLRewrite', urlRewrite: { hostToBackendHostname: true } }], backendRefs },
    });
    expectIssues(route(spec), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].urlRewrite.hostToBackendHostname',
        reason: 'can only be set when the top-level targetRef is a MeshGateway',
      },
    ]);
  });

  it('rejects an empty header modifier and a header modified twice', () => {
    const filters = [
      { type: 'RequestHeaderModifier', requestHeaderModifier: {} },
      {
        type: 'ResponseHeaderModifier',
        responseHeaderModifier: { set: [{ name: 'x-a', value: '1' }], remove: ['x-a'] },
      },
    ];
    expectIssues(route(withRule({ default: { filters, backendRefs } })), [
      {
        field: 'spec.to[0].rules[0].default.filters[0].requestHeaderModifier',
        reason: 'must have at least one of set, add or remove',
      },
      {
        field: 'spec.to[0].rules[0].default.filters[1].responseHeaderModifier.remove[0]',
        reason: 'header x-a is already modified',
      },
    ]);
  });
});
