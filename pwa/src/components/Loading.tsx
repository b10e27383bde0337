import { useHoldSettle } from './Settle';

/**
 * DKFDS spinner with a visible "Henter …" text; the surrounding region sets aria-busy. While
 * shown it holds its page's SettleScope (components/Settle.tsx): what waits for the page to
 * settle (the front page's offline panel) does not appear below a list that is still arriving.
 * `hold={false}`: a SettleGate's own placeholder (it would wait for itself).
 */
export function Loading({ text = 'Henter …', small = false, hold = true }: { text?: string; small?: boolean; hold?: boolean }) {
  useHoldSettle(hold);
  return (
    <div className={`loading ${small ? 'loading-small' : ''}`.trim()}>
      <div className={`spinner ${small ? 'spinner-small' : ''}`.trim()} aria-hidden="true" />
      <div className="spinner-status">{text}</div>
    </div>
  );
}
