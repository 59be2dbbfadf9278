/** Every page and its URL (under /gui/): one line a page. */
import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from '../pages/NotFoundPage';
import { OverviewPage } from '../pages/OverviewPage';
import { MeshesPage } from '../pages/MeshesPage';
import { DataplanesPage } from '../pages/DataplanesPage';

/**
 * A page loaded when first opened: the first screen (overview and the lists)
 * comes with the initial bundle, every other page in its own file.
 */
const page = (load: () => Promise<ComponentType>) => async () => ({ Component: await load() });

export const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <Navigate to="/overview" replace /> },
        { path: 'overview', element: <OverviewPage /> },
        { path: 'meshes', element: <MeshesPage /> },
        { path: 'dataplanes', element: <DataplanesPage /> },
        // A dataplane's page
        {
          path: 'meshes/:mesh/dataplanes/:name',
          lazy: page(async () => (await import('../pages/DataplanePage')).DataplanePage),
        },

        // Meshes, services, policies, zones
        { path: 'meshes/:mesh', lazy: page(async () => (await import('../pages/MeshPage')).MeshPage) },
        { path: 'services', lazy: page(async () => (await import('../pages/ServicesPage')).ServicesPage) },
        {
          path: 'meshes/:mesh/services/:kind/:name',
          lazy: page(async () => (await import('../pages/ServicePage')).ServicePage),
        },
        { path: 'policies', lazy: page(async () => (await import('../pages/PoliciesPage')).PoliciesPage) },
        { path: 'policies/:kind', lazy: page(async () => (await import('../pages/PolicyKindPage')).PolicyKindPage) },
        {
          path: 'meshes/:mesh/policies/:kind/:name',
          lazy: page(async () => (await import('../pages/PolicyPage')).PolicyPage),
        },
        { path: 'zones', lazy: page(async () => (await import('../pages/ZonesPage')).ZonesPage) },

        // Writing: forms and YAML
        { path: 'create', lazy: page(async () => (await import('../pages/CreatePage')).CreatePage) },
        ...['create/:kind', 'meshes/:mesh/create/:kind', 'edit/:kind/:name', 'meshes/:mesh/edit/:kind/:name'].map(
          (path) => ({
            path,
            lazy: page(async () => (await import('../pages/ResourceEditorPage')).ResourceEditorPage),
          }),
        ),

        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/gui' },
);
