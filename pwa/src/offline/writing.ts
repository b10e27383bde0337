// Is someone writing? Text typed into a field that is still on the page and not empty.
// The update prompt never reloads while this is true (src/components/UpdatePrompt.tsx).

const TEXT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'password', 'number', '']);
const touched = new Set<HTMLInputElement | HTMLTextAreaElement>();

if (typeof document !== 'undefined') {
  document.addEventListener(
    'input',
    (event) => {
      const t = event.target;
      if (t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && TEXT_TYPES.has(t.type))) {
        touched.add(t);
      }
    },
    true,
  );
}

export function isWriting(): boolean {
  for (const el of [...touched]) {
    if (!el.isConnected || !el.value.trim()) touched.delete(el);
  }
  return touched.size > 0;
}

/** Reload once nobody is writing (checks every 2 s); returns a cancel function. */
export function reloadWhenIdle(onWaiting?: () => void): () => void {
  if (!isWriting()) {
    window.location.reload();
    return () => undefined;
  }
  onWaiting?.();
  const timer = window.setInterval(() => {
    if (!isWriting()) {
      window.clearInterval(timer);
      window.location.reload();
    }
  }, 2000);
  return () => window.clearInterval(timer);
}
