/**
 * The PWA build: React, and vite-plugin-pwa generating the web manifest and a Workbox service
 * worker that precaches the app shell (so a reload works offline). `registerType: 'prompt'`:
 * a new version waits until the user accepts the update (client/pwa/UpdatePrompt.tsx).
 * API, socket and health paths are never served from the cache.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeManifestIcons: false,
      manifest: {
        name: 'PlusOne',
        short_name: 'PlusOne',
        description: 'Invite past clients and fellow suppliers, even offline, and watch your referrals grow.',
        start_url: '/dashboard/viral',
        scope: '/',
        display: 'standalone',
        background_color: '#fbf8f6',
        theme_color: '#7a2e4d',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/socket\.io/, /^\/healthz/, /^\/readyz/, /^\/metrics/, /^\/i\//, /^\/unsubscribe\//, /^\/hooks\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
