/// <reference lib="webworker" />
// Trekant's service worker: precaches the app shell (HTML, JS, CSS, fonts, icons) and
// serves it offline. API answers are never cached: /api, /health and /schema have no
// route here, so those requests go straight to the network.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare let self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client-side routes (e.g. /born/…) open the cached app shell; server paths do not.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api(\/|$)/, /^\/health(\/|$)/, /^\/schema(\/|$)/],
  }),
);

// The page asks for this when the user clicks "Opdatér nu"; never activate on our own.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if (data && typeof data === 'object' && (data as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// Background Sync (Chromium): the page registers "trekant-outbox" when it queues a change
// written offline; when the connection returns the browser fires `sync` here. The outbox
// is encrypted with a key that exists only in an unlocked page's memory, so the worker
// cannot send it itself: it wakes the open windows, which send it (src/offline/sync.ts).
// Nothing about the outbox, and no API answer, is ever stored by the worker.
type SyncEvent = ExtendableEvent & { readonly tag: string };

self.addEventListener('sync', (event: Event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== 'trekant-outbox') return;
  sync.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) w.postMessage({ type: 'SYNC_OUTBOX' });
    }),
  );
});
