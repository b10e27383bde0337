// /ics/serier/<series>/sammenlign?a=1&b=2: two versions side by side, field by field. A
// changed field is marked in words ("Ændret"), removed and added lines are struck through
// and underlined with "Fjernet:" / "Tilføjet:" for screen readers – never colour alone.
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { casePath } from '../../casework';
import { Alert } from '../../components/Alert';
import { Checkbox, SelectField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDateTime } from '../../format';
import { Link } from '../../router';
import { useApi } from '../../useApi';
import { DiffLines } from './parts';
import { comparePath, docPath, statusBadge, type DiffField, type VersionRead } from './types';
import './ics.css';

function versionHeading(v: VersionRead): string {
  const when = v.approved_at ?? v.submitted_at ?? v.changed_at;
  return `Version ${v.version_no} (${v.status_label.toLowerCase()}, ${formatDateTime(when)})`;
}

function groups(fields: DiffField[]): { group: string; fields: DiffField[] }[] {
  const out: { group: string; fields: DiffField[] }[] = [];
  for (const f of fields) {
    const last = out[out.length - 1];
    if (last && last.group === f.group) last.fields.push(f);
    else out.push({ group: f.group, fields: [f] });
  }
  return out;
}

export function Compare({ seriesId }: { seriesId: string }) {
  const params = new URLSearchParams(window.location.search);
  const [sel, setSel] = useState(() => ({ a: params.get('a') ?? '', b: params.get('b') ?? '' }));
  const [choice, setChoice] = useState(sel);
  const [choiceError, setChoiceError] = useState<string | undefined>();
  const [onlyChanged, setOnlyChanged] = useState(true);
  const [diff, reload] = useApi((signal) =>
    call(
      api.GET('/api/ics/series/{series_id}/diff', {
        signal,
        params: {
          path: { series_id: seriesId },
          query: { a: sel.a ? Number(sel.a) : undefined, b: sel.b ? Number(sel.b) : undefined },
        },
      }),
    ),
  );

  const change = (event: FormEvent) => {
    event.preventDefault();
    if (choice.a === choice.b) {
      setChoiceError('Vælg to forskellige versioner');
      return;
    }
    setSel(choice);
    window.history.replaceState(window.history.state, '', comparePath(seriesId, Number(choice.a), Number(choice.b)));
    reload();
  };

  if (diff.state === 'loading') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Sammenligner versionerne …" />
      </div>
    );
  }
  if (diff.state === 'error') {
    return (
      <>
        <PageHeading>Sammenlign versioner</PageHeading>
        <Alert
          variant="error"
          heading={diff.status === 404 ? 'Dokumentet findes ikke, eller du er ikke på sagen' : 'Versionerne kunne ikke sammenlignes'}
          action={
            diff.status === 404 ? (
              <Link to="/">Til forsiden</Link>
            ) : (
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            )
          }
        >
          <p>{diff.message}</p>
        </Alert>
      </>
    );
  }
  const d = diff.data;
  const versions = d.versions ?? [d.a, d.b];
  const choices = versions.map((v) => ({ value: String(v.version_no), label: `Version ${v.version_no} (${v.status_label.toLowerCase()})` }));
  const current = { a: choice.a || String(d.a.version_no), b: choice.b || String(d.b.version_no) };
  const shown = onlyChanged ? d.fields.filter((f) => f.changed) : d.fields;
  const kindLabel = d.kind_label || 'Dokument';
  return (
    <>
      <PageHeading title={`Sammenlign versioner – ${kindLabel}`}>
        Sammenlign versioner <span className="ics-heading-child">– {kindLabel}{d.child ? `, ${d.child.name}` : ''}</span>
      </PageHeading>
      <p className="ics-back">
        <Link to={docPath(d.b.id)}>Til version {d.b.version_no}</Link>
        {d.hovedsag_id ? (
          <>
            {' · '}
            <Link to={casePath(d.hovedsag_id, d.child?.id)}>Til sagen</Link>
          </>
        ) : null}
      </p>
      <form onSubmit={change} noValidate className="ics-compare-form" aria-label="Vælg versioner">
        <div className="ics-compare-choices">
          <SelectField
            id="ics-diff-a"
            label="Fra version"
            value={current.a}
            onChange={(v) => {
              setChoice({ ...current, a: v });
              setChoiceError(undefined);
            }}
            choices={choices}
            error={choiceError}
          />
          <SelectField
            id="ics-diff-b"
            label="Til version"
            value={current.b}
            onChange={(v) => {
              setChoice({ ...current, b: v });
              setChoiceError(undefined);
            }}
            choices={choices}
          />
        </div>
        <button type="submit" className="button button-secondary">
          Sammenlign
        </button>
      </form>
      <p className="ics-diff-summary" role="status">
        {d.changed === 0
          ? `Version ${d.a.version_no} og ${d.b.version_no} er ens.`
          : `${d.changed === 1 ? '1 felt er' : `${d.changed} felter er`} ændret fra version ${d.a.version_no} til ${d.b.version_no}.`}
      </p>
      <Checkbox id="ics-only-changed" label="Vis kun ændrede felter" checked={onlyChanged} onChange={setOnlyChanged} />
      {shown.length === 0 ? (
        <p className="empty-state">Ingen ændrede felter.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="ics-diff-caption">
          <table className="table ics-compare-table">
            <caption id="ics-diff-caption">
              Version {d.a.version_no} og version {d.b.version_no} side om side
            </caption>
            <thead>
              <tr>
                <th scope="col">Felt</th>
                <th scope="col">
                  {versionHeading(d.a)} <span className={statusBadge(d.a.status)}>{d.a.status_label}</span>
                </th>
                <th scope="col">
                  {versionHeading(d.b)} <span className={statusBadge(d.b.status)}>{d.b.status_label}</span>
                </th>
              </tr>
            </thead>
            {groups(shown).map((g) => (
              <tbody key={g.group}>
                <tr className="ics-group-row">
                  <th colSpan={3} scope="rowgroup">
                    {g.group}
                  </th>
                </tr>
                {g.fields.map((f) => (
                  <tr key={f.key} className={f.changed ? 'ics-changed' : undefined}>
                    <th scope="row">
                      {f.label}
                      {f.changed ? (
                        <span className="badge badge-warning ics-changed-badge">Ændret</span>
                      ) : (
                        <span className="sr-only"> (uændret)</span>
                      )}
                    </th>
                    <td>
                      <DiffLines lines={f.old} other={f.new} kind="old" prefix="Fjernet" />
                    </td>
                    <td>
                      <DiffLines lines={f.new} other={f.old} kind="new" prefix="Tilføjet" />
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </>
  );
}
