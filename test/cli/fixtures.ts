/** Documents the CLI end-to-end tests apply, written as a Kuma user would write them. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MESH_YAML = `# A mesh with mutual TLS, two services and a permission between them.
type: Mesh
name: e2e
mtls:
  enabledBackend: ca-1
  backends:
    - name: ca-1
      type: builtin
`;

export const WEB_YAML = `type: Dataplane
mesh: e2e
name: web-1
labels:
  team: storefront
networking:
  address: 10.0.0.1
  inbound:
    - port: 20001
      servicePort: 8080
      tags:
        kuma.io/service: web
        kuma.io/protocol: http
        version: v1
  outbound:
    - port: 10001
      tags:
        kuma.io/service: backend
`;

export const BACKEND_YAML = `type: Dataplane
mesh: e2e
name: backend-1
networking:
  address: 10.0.0.2
  inbound:
    - port: 20002
      servicePort: 9090
      tags:
        kuma.io/service: backend
        kuma.io/protocol: grpc
`;

export const PERMISSION_YAML = `type: MeshTrafficPermission
mesh: e2e
name: web-to-backend
spec:
  targetRef:
    kind: MeshService
    name: backend
  from:
    - targetRef:
        kind: MeshSubset
        tags:
          kuma.io/service: web
      default:
        action: Allow
`;

/** The policy listed after the dataplanes that need it, as people write it; apply reorders only meshes. */
export const ALL_YAML = [PERMISSION_YAML, MESH_YAML, WEB_YAML, BACKEND_YAML].join('---\n');

/** A scratch directory removed by the returned function. */
export async function scratchDir(): Promise<{
  dir: string;
  write: (name: string, text: string) => Promise<string>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-cli-e2e-'));
  return {
    dir,
    write: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
