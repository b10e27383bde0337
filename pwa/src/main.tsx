import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// DKFDS (Det Fælles Designsystem), bundled locally with its IBM Plex Sans fonts and icons.
import 'dkfds/dist/css/dkfds.min.css';
import './styles.css';
import { RouterProvider } from 'react-router/dom';
import { queryClient } from './queryClient';
import { router } from './routes';

const root = document.getElementById('root');
if (!root) throw new Error('Trekant: #root mangler i index.html');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
