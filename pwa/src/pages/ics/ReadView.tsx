// A version read-only (submitted, approved and locked, or the reader may not write).
import { dimensionLabel, flatten, sectionLabel, sourceLabel } from './flatten';
import { ENTRY_KINDS, type Content, type DocumentRead, type Method } from './types';

function Paragraphs({ text }: { text: string }) {
  const parts = text
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return <p className="ics-empty">Intet skrevet.</p>;
  return (
    <>
      {parts.map((p, n) => (
        <p key={n} className="ics-read-text">
          {p}
        </p>
      ))}
    </>
  );
}

export function ReadView({ content, method, doc }: { content: Content; method: Method; doc: DocumentRead }) {
  if (content.kind === 'undersoegelse') {
    return (
      <div className="ics-read">
        {method.sides.map((side) => (
          <section key={side.key} aria-labelledby={`ics-read-${side.key}`} className="ics-side">
            <h2 id={`ics-read-${side.key}`}>{side.label}</h2>
            {side.dimensions.map((dim) => {
              const entries = content.dimensions[dim.key];
              return (
                <section key={dim.key} aria-labelledby={`ics-read-${dim.key}`} className="ics-dimension">
                  <h3 id={`ics-read-${dim.key}`}>{dim.label}</h3>
                  <dl className="ics-read-entries">
                    {ENTRY_KINDS.map((e) => {
                      const list = (entries?.[e] ?? []).filter((s) => s.text.trim() || s.source);
                      return (
                        <div key={e}>
                          <dt>{method.entry_kinds.find((k) => k.key === e)?.label ?? e}</dt>
                          <dd>
                            {list.length === 0 ? (
                              <span className="ics-empty">Intet skrevet.</span>
                            ) : (
                              <ul className="ics-read-list">
                                {list.map((s, i) => (
                                  <li key={i}>
                                    {s.text.trim()}{' '}
                                    <span className="ics-source">
                                      (Kilde: {s.source ? sourceLabel(method, s.source) : 'mangler'}
                                      {s.source_note.trim() ? `, ${s.source_note.trim()}` : ''})
                                    </span>
                                  </li>
                                ))}
                              </ul>
                            )}
                          </dd>
                        </div>
                      );
                    })}
                  </dl>
                </section>
              );
            })}
          </section>
        ))}
        <section aria-labelledby="ics-read-views" className="ics-side">
          <h2 id="ics-read-views">Synspunkter, analyse og konklusion</h2>
          {(['child_view', 'parents_view', 'analysis', 'conclusion'] as const).map((key) => (
            <div key={key} className="ics-read-section">
              <h3>{sectionLabel(method, 'undersoegelse', key)}</h3>
              <Paragraphs text={content[key]} />
            </div>
          ))}
        </section>
        <section aria-labelledby="ics-read-needs" className="ics-side">
          <h2 id="ics-read-needs">{sectionLabel(method, 'undersoegelse', 'unmet_needs')}</h2>
          {content.unmet_needs.filter((n) => n.text.trim()).length === 0 ? (
            <p className="ics-empty">Ingen udækkede behov.</p>
          ) : (
            <ul className="ics-read-list">
              {content.unmet_needs
                .filter((n) => n.text.trim())
                .map((n) => {
                  const where = dimensionLabel(method, n.dimension);
                  return (
                    <li key={n.id}>
                      {n.text.trim()}
                      {where ? <span className="ics-source"> ({where})</span> : null}
                    </li>
                  );
                })}
            </ul>
          )}
        </section>
      </div>
    );
  }
  // Plan and follow-up: the same flattening as the comparison, grouped.
  const fields = flatten(content, method, { measures: doc.measures, planGoals: doc.plan_goals });
  const groups: { group: string; items: typeof fields }[] = [];
  for (const f of fields) {
    const last = groups[groups.length - 1];
    if (last && last.group === f.group) last.items.push(f);
    else groups.push({ group: f.group, items: [f] });
  }
  return (
    <div className="ics-read">
      {groups.map((g, gi) => (
        <section key={gi} aria-labelledby={`ics-read-g${gi}`} className="ics-side">
          <h2 id={`ics-read-g${gi}`}>{g.group}</h2>
          {g.items.map((f) => (
            <div key={f.key} className="ics-read-section">
              <h3>{f.label}</h3>
              {f.lines.length === 0 ? (
                <p className="ics-empty">Intet skrevet.</p>
              ) : (
                f.lines.map((l, n) => (
                  <p key={n} className="ics-read-text">
                    {l}
                  </p>
                ))
              )}
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
