/** DKFDS spinner with a visible "Henter …" text; the surrounding region sets aria-busy. */
export function Loading({ text = 'Henter …', small = false }: { text?: string; small?: boolean }) {
  return (
    <div className={`loading ${small ? 'loading-small' : ''}`.trim()}>
      <div className={`spinner ${small ? 'spinner-small' : ''}`.trim()} aria-hidden="true" />
      <div className="spinner-status">{text}</div>
    </div>
  );
}
