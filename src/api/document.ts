/**
 * REST/YAML shapes. A flat kind keeps its spec fields beside the metadata
 * (`{type, mesh, name, labels, networking}`); an enveloped kind nests them
 * (`{type, mesh, name, labels, spec}`). Server-set fields (creationTime,
 * modificationTime, kri, status) are accepted on input so that the output of a read
 * can be applied again, and are ignored.
 */
import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import type { KindDescriptor } from './kind.js';
import { kriOf } from './kri.js';
import { Labels, MeshName, ResourceName } from './primitives.js';
import type { Resource, ResourceDraft } from './resource.js';

const schemas = new WeakMap<KindDescriptor, TObject>();

const serverSet = {
  creationTime: Type.Optional(Type.String({ description: 'Set by the server; ignored on input.' })),
  modificationTime: Type.Optional(Type.String({ description: 'Set by the server; ignored on input.' })),
  kri: Type.Optional(Type.String({ description: "Kuma's resource identifier, set by the server; ignored on input." })),
};

/** The JSON Schema of a whole document of this kind, as the REST API accepts it. */
export function documentSchema(kind: KindDescriptor): TObject {
  const cached = schemas.get(kind);
  if (cached) return cached;
  const metadata: TProperties = {
    type: Type.Literal(kind.name),
    ...(kind.scope === 'Mesh' ? { mesh: MeshName({ description: 'The mesh this resource belongs to.' }) } : {}),
    // A Mesh's name is the mesh name everything else refers to: no dots (primitives.ts, MeshName).
    name: kind.name === 'Mesh' ? MeshName() : ResourceName(),
    labels: Type.Optional(Labels()),
    ...serverSet,
  };
  const body: TProperties =
    kind.shape === 'flat'
      ? kind.spec.properties
      : {
          spec: kind.spec,
          ...(kind.hasStatus
            ? { status: Type.Optional(Type.Unknown({ description: 'Set by the server; ignored on input.' })) }
            : {}),
        };
  const schema = Type.Object(
    { ...metadata, ...body },
    { additionalProperties: false, $id: kind.name, title: kind.name },
  );
  schemas.set(kind, schema);
  return schema;
}

const metadataFields = new Set(['type', 'mesh', 'name', 'labels', 'creationTime', 'modificationTime', 'kri', 'status']);

/** A valid document (checked by `validate`) as a draft for the store. */
export function draftOf(kind: KindDescriptor, document: Record<string, unknown>): ResourceDraft {
  const spec: Record<string, unknown> = {};
  if (kind.shape === 'enveloped') {
    Object.assign(spec, document['spec'] as Record<string, unknown>);
  } else {
    for (const [field, value] of Object.entries(document)) if (!metadataFields.has(field)) spec[field] = value;
  }
  return {
    kind: kind.name,
    mesh: kind.scope === 'Mesh' ? String(document['mesh']) : '',
    name: String(document['name']),
    labels: (document['labels'] as Record<string, string> | undefined) ?? {},
    spec,
  };
}

/** A stored resource as the REST API and `koguma get` show it. */
export function documentOf(kind: KindDescriptor, resource: Resource): Record<string, unknown> {
  const document: Record<string, unknown> = { type: kind.name };
  if (kind.scope === 'Mesh') document['mesh'] = resource.mesh;
  document['name'] = resource.name;
  document['creationTime'] = resource.creationTime.toISOString();
  document['modificationTime'] = resource.modificationTime.toISOString();
  if (Object.keys(resource.labels).length > 0) document['labels'] = resource.labels;
  if (kind.computed) Object.assign(document, kind.computed(resource));
  const kri = kriOf(resource);
  if (kri !== undefined) document['kri'] = kri;
  if (kind.shape === 'flat') {
    Object.assign(document, resource.spec);
  } else {
    document['spec'] = resource.spec;
    if (kind.hasStatus) document['status'] = resource.status ?? kind.emptyStatus ?? {};
  }
  return document;
}
