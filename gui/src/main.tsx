/** The GUI's entry: language, data cache, live updates and the pages. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import './i18n';
import './styles.css';
import { LiveProvider } from './app/live-context';
import { router } from './app/routes';

const queries = new QueryClient({
  defaultOptions: {
    // Live events say when data changed; no refetch on focus or timers.
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <LiveProvider client={queries}>
        <RouterProvider router={router} />
      </LiveProvider>
    </QueryClientProvider>
  </StrictMode>,
);
