/** Every page and its URL (under /gui/): one line a page. */
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from '../pages/NotFoundPage';
import { OverviewPage } from '../pages/OverviewPage';
import { MeshesPage } from '../pages/MeshesPage';
import { DataplanesPage } from '../pages/DataplanesPage';
import { DataplanePage } from '../pages/DataplanePage';
import { MeshPage } from '../pages/MeshPage';
import { ServicesPage } from '../pages/ServicesPage';
import { ServicePage } from '../pages/ServicePage';
import { PoliciesPage } from '../pages/PoliciesPage';
import { PolicyKindPage } from '../pages/PolicyKindPage';
import { PolicyPage } from '../pages/PolicyPage';
import { ZonesPage } from '../pages/ZonesPage';

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
        { path: 'meshes/:mesh/dataplanes/:name', element: <DataplanePage /> },

        // Meshes, services, policies, zones
        { path: 'meshes/:mesh', element: <MeshPage /> },
        { path: 'services', element: <ServicesPage /> },
        { path: 'meshes/:mesh/services/:kind/:name', element: <ServicePage /> },
        { path: 'policies', element: <PoliciesPage /> },
        { path: 'policies/:kind', element: <PolicyKindPage /> },
        { path: 'meshes/:mesh/policies/:kind/:name', element: <PolicyPage /> },
        { path: 'zones', element: <ZonesPage /> },

        // Writing: forms and YAML
        { path: 'create', lazy: async () => ({ Component: (await import('../pages/CreatePage')).CreatePage }) },
        ...['create/:kind', 'meshes/:mesh/create/:kind', 'edit/:kind/:name', 'meshes/:mesh/edit/:kind/:name'].map(
          (path) => ({
            path,
            lazy: async () => ({ Component: (await import('../pages/ResourceEditorPage')).ResourceEditorPage }),
          }),
        ),

        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/gui' },
);
