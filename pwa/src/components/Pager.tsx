/**
 * "Forrige" / "Side X af Y" / "Næste" under a paged list. `label` names the navigation
 * landmark (e.g. "Sider i journalen"); buttons are disabled at the ends.
 */
export function Pager({
  label,
  page,
  pages,
  onGo,
}: {
  label: string;
  page: number;
  pages: number;
  onGo: (page: number) => void;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button button-secondary"
        disabled={page <= 1}
        onClick={() => onGo(page - 1)}
      >
        Forrige
      </button>
      <span className="pager-status">
        Side {page} af {pages}
      </span>
      <button
        type="button"
        className="button button-secondary"
        disabled={page >= pages}
        onClick={() => onGo(page + 1)}
      >
        Næste
      </button>
    </nav>
  );
}
