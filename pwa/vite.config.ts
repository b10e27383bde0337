import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The backend (Litestar) serves dist/ at / and the API under /api on the same origin.
const backend = process.env.TREKANT_API ?? 'http://127.0.0.1:8000';
const dkfdsDist = fileURLToPath(new URL('./node_modules/dkfds/dist/', import.meta.url));

export default defineConfig({
  resolve: {
    // dkfds only exports its JS entry; reach its CSS, fonts and icons directly so Vite
    // bundles them as local assets (no CDN; CSP allows 'self' only).
    alias: [{ find: /^dkfds\/dist\/(.*)$/, replacement: `${dkfdsDist}$1` }],
  },
  server: {
    proxy: {
      '/api': backend,
      '/health': backend,
      '/schema': backend,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      // Registration happens in src/components/UpdatePrompt.tsx (no inline script: CSP).
      injectRegister: false,
      // public/icons/* are precached through globPatterns below; don't list them twice.
      includeManifestIcons: false,
      injectManifest: {
        // The app shell only: HTML, JS, CSS, the icon sprite, icons and the woff2 fonts.
        globPatterns: ['**/*.{html,js,css,svg,png,woff2}'],
        globIgnores: ['**/node_modules/**', 'sw.js'],
      },
      manifest: {
        id: '/',
        name: 'Trekant',
        short_name: 'Trekant',
        description: 'Trekant – sagsbehandling af børne- og ungesager i kommunen',
        lang: 'da',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#454545',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
