import { describe, expect, it } from 'vitest';
import { sectionOf } from './sections';

describe('the navigation section of a page', () => {
  it('puts a mesh’s dataplanes, services and policies under their own sections', () => {
    expect(sectionOf('/meshes/default/dataplanes/web-1')).toBe('dataplanes');
    expect(sectionOf('/meshes/default/services/MeshService/web')).toBe('services');
    expect(sectionOf('/meshes/default/policies/MeshTimeout/t')).toBe('policies');
  });

  it('puts a mesh’s own page under meshes, and writing under create', () => {
    expect(sectionOf('/meshes/default')).toBe('meshes');
    expect(sectionOf('/meshes/default/edit/MeshTimeout/t')).toBe('create');
    expect(sectionOf('/edit/Mesh/default')).toBe('create');
    expect(sectionOf('/create/Mesh')).toBe('create');
  });

  it('knows no section for an unknown page', () => {
    expect(sectionOf('/nowhere')).toBeUndefined();
  });
});
