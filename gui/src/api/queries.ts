/**
 * The queries several pages share, one definition each: the same key always
 * fetches the same thing, so TanStack Query's cache serves every page from
 * one request.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { dataOf } from './errors';

/** Every mesh (the API's largest page). */
export const useMeshes = () =>
  useQuery({
    queryKey: ['meshes'],
    queryFn: async () => dataOf(await api.GET('/meshes', { params: { query: { size: 1000 } } })),
  });

/** Every mesh's insight: counts by status, kind and service. */
export const useMeshInsights = () =>
  useQuery({
    queryKey: ['mesh-insights'],
    queryFn: async () => dataOf(await api.GET('/mesh-insights', { params: { query: { size: 1000 } } })),
  });
