// Administration › Sletning: the kommune's rules for how long closed cases are kept, the
// closed cases past their period (number, the child's initials and birth year — no CPR), and
// the approval of their deletion, which runs as a job with progress (GET/PUT
// /api/admin/retention/rule, GET …/expired, POST …/deletions, GET …/deletions/{id}).
import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { ErrorSummary, SelectField, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, plural } from '../../format';
import { useSubmit } from '../../mutation';
import { Link } from '../../router';
import { invalidate, useApiQuery } from '../../useApi';

type Rule = components['schemas']['RetentionRule'];
type Expired = components['schemas']['ExpiredCase'];
type Run = components['schemas']['DeletionRun'];

const PRESERVE: Record<Rule['preserve'], string> = {
  ingen: 'Ingen sager bevares',
  anbringelser: 'Sager med en anbringelse bevares',
  alle: 'Alle sager bevares',
};
const KIND: Record<Expired['kind'], string> = {
  anbringelse: 'Anbringelse',
  indsats: 'Forebyggende indsats',
  oevrig: 'Uden indsats',
};
const KEY = ['admin', 'retention'];

function verdict(c: Expired): string {
  if (c.verdict === 'slettes') return 'Slettes';
  if (c.verdict === 'bevares_arkiveret') return 'Bevares: afleveret til arkivet, kan slettes';
  if (c.verdict === 'bevares_ikke_arkiveret') return 'Bevares: arkiveres først';
  return c.reason ?? 'Kan ikke slettes nu';
}

function years(n: number) {
  return plural(n, 'år', 'år');
}

export function Sletning() {
  const [list, reload] = useApiQuery([...KEY, 'expired'], (signal) =>
    call(api.GET('/api/admin/retention/expired', { signal })),
  );
  const [editing, setEditing] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);

  let body;
  if (list.state === 'loading') body = <Loading text="Henter sager, hvis opbevaringsperiode er udløbet …" />;
  else if (list.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Sagerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{list.message}</p>
      </Alert>
    );
  else
    body = (
      <>
        <section aria-labelledby="rule-heading" className="admin-section">
          <div className="admin-heading-row">
            <h2 id="rule-heading">Regler for opbevaring</h2>
            <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
              Ret regler
            </button>
          </div>
          <dl className="retention-rule">
            <dt>Afsluttede sager opbevares</dt>
            <dd>{years(list.data.rule.years)} efter afslutning</dd>
            <dt>Sager med en anbringelse opbevares</dt>
            <dd>{years(list.data.rule.placement_years)} efter afslutning</dd>
            <dt>Bevaring (aflevering til arkivet før sletning)</dt>
            <dd>{PRESERVE[list.data.rule.preserve]}</dd>
          </dl>
          {list.data.rule.changed_at ? (
            <p className="form-hint">
              Senest ændret {formatDateTime(list.data.rule.changed_at)}
              {list.data.rule.changed_by ? ` af ${list.data.rule.changed_by}` : ''}.
            </p>
          ) : null}
        </section>
        {runId ? <RunProgress runId={runId} onClose={() => setRunId(null)} /> : null}
        <ExpiredCases items={list.data.items} total={list.data.total} onStarted={setRunId} />
        {editing ? (
          <FormDialog title="Regler for opbevaring" onClose={() => setEditing(false)}>
            <RuleForm rule={list.data.rule} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />
          </FormDialog>
        ) : null}
      </>
    );

  return (
    <>
      <p className="admin-intro">
        Afsluttede sager må kun opbevares, så længe de er nødvendige. Når en sags opbevaringsperiode er udløbet, står den
        her, til du godkender, at den slettes. Sager, der skal bevares, afleveres til arkivet, før de kan slettes.
      </p>
      {body}
    </>
  );
}

function RuleForm({ rule, onSaved, onCancel }: { rule: Rule; onSaved: () => void; onCancel: () => void }) {
  const [yearsValue, setYears] = useState(String(rule.years));
  const [placement, setPlacement] = useState(String(rule.placement_years));
  const [preserve, setPreserve] = useState<string>(rule.preserve);
  const { run, busy, errors, general } = useSubmit({ invalidates: [KEY] });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await run(() =>
      call(
        api.PUT('/api/admin/retention/rule', {
          body: {
            years: Number(yearsValue) || 0,
            placement_years: Number(placement) || 0,
            preserve: preserve as Rule['preserve'],
          },
        }),
      ),
    );
    if (saved) onSaved();
  };
  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary
        errors={errors}
        general={general}
        fields={{
          years: ['retention-years', 'Afsluttede sager opbevares (år)'],
          placement_years: ['retention-placement-years', 'Sager med en anbringelse opbevares (år)'],
        }}
      />
      <TextField
        id="retention-years"
        label="Afsluttede sager opbevares (år)"
        hint="Antal hele år efter sagens afslutning"
        value={yearsValue}
        onChange={setYears}
        inputMode="numeric"
        width="input-width-xs"
        error={errors.years}
      />
      <TextField
        id="retention-placement-years"
        label="Sager med en anbringelse opbevares (år)"
        value={placement}
        onChange={setPlacement}
        inputMode="numeric"
        width="input-width-xs"
        error={errors.placement_years}
      />
      <SelectField
        id="retention-preserve"
        label="Bevaring"
        hint="Sager, der bevares, afleveres til arkivet, før de slettes"
        value={preserve}
        onChange={setPreserve}
        choices={Object.entries(PRESERVE).map(([value, label]) => ({ value, label }))}
      />
      <DialogButtons label="Gem regler" busy={busy} onCancel={onCancel} />
    </form>
  );
}

function ExpiredCases({
  items,
  total,
  onStarted,
}: {
  items: Expired[];
  total: number;
  onStarted: (runId: string) => void;
}) {
  const deletable = items.filter((c) => c.reason === null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const { run, busy, general, setGeneral } = useSubmit({ fields: () => ({}), invalidates: [KEY] });
  const picked = deletable.filter((c) => chosen.has(c.id));
  const toggle = (id: string, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const approve = async () => {
    const started = await run(() =>
      call(api.POST('/api/admin/retention/deletions', { body: { case_ids: picked.map((c) => c.id) } })),
    );
    if (started) {
      setConfirming(false);
      setChosen(new Set());
      onStarted(started.id);
    }
  };

  return (
    <section aria-labelledby="expired-heading" className="admin-section">
      <h2 id="expired-heading">Sager, hvis opbevaringsperiode er udløbet</h2>
      {items.length === 0 ? (
        <p className="empty-state">Ingen afsluttede sager har overskredet deres opbevaringsperiode.</p>
      ) : (
        <>
          <p>
            {plural(total, 'sag', 'sager')} har overskredet opbevaringsperioden; {plural(deletable.length, 'kan', 'kan')}{' '}
            slettes nu.{total > items.length ? ` De første ${items.length} vises.` : ''}
          </p>
          <div className="retention-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={deletable.length === 0}
              onClick={() => setChosen(new Set(deletable.map((c) => c.id)))}
            >
              Vælg alle, der kan slettes
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={picked.length === 0}
              onClick={() => {
                setGeneral(undefined);
                setConfirming(true);
              }}
            >
              Godkend sletning{picked.length ? ` (${picked.length})` : ''}
            </button>
          </div>
          <table className="table table--compact table-md-responsive-headers admin-table retention-table">
            <caption className="sr-only">Sager, hvis opbevaringsperiode er udløbet</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Vælg</span>
                </th>
                <th scope="col">Sag</th>
                <th scope="col">Barn</th>
                <th scope="col">Afsluttet</th>
                <th scope="col">Periode udløb</th>
                <th scope="col">Art</th>
                <th scope="col">Sagsbehandler</th>
                <th scope="col">Vurdering</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td data-title="Vælg">
                    {c.reason === null ? (
                      <div className="form-group-checkbox">
                        <input
                          id={`slet-${c.id}`}
                          type="checkbox"
                          className="form-checkbox"
                          checked={chosen.has(c.id)}
                          onChange={(e) => toggle(c.id, e.target.checked)}
                        />
                        <label className="form-label" htmlFor={`slet-${c.id}`}>
                          <span className="sr-only">Vælg sag {c.case_number ?? ''} til sletning</span>
                        </label>
                      </div>
                    ) : null}
                  </td>
                  <th scope="row" data-title="Sag">
                    <Link to={`/sager/${c.id}`}>{c.case_number ?? 'Uden nummer'}</Link>
                  </th>
                  <td data-title="Barn">
                    {c.initials}
                    {c.birth_year ? `, født ${c.birth_year}` : ''}
                  </td>
                  <td data-title="Afsluttet">
                    <time dateTime={c.closed_on}>{formatDate(c.closed_on)}</time>
                  </td>
                  <td data-title="Periode udløb">
                    <time dateTime={c.expired_on}>{formatDate(c.expired_on)}</time>
                  </td>
                  <td data-title="Art">{KIND[c.kind]}</td>
                  <td data-title="Sagsbehandler">{c.caseworker ?? 'Ingen'}</td>
                  <td data-title="Vurdering">{c.reason === null ? <strong>{verdict(c)}</strong> : verdict(c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {confirming ? (
        <ConfirmDialog
          title={`Slet ${plural(picked.length, 'sag', 'sager')}?`}
          confirmLabel={`Slet ${plural(picked.length, 'sag', 'sager')}`}
          busy={busy}
          error={general}
          onConfirm={() => void approve()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Sagerne slettes helt: journal, dokumenter, afgørelser, bevillinger, betalinger og oplysningerne i
            sagsoversigten på tværs af kommuner. Det kan ikke fortrydes. Revisionsloggen viser, hvilke sager der er
            slettet, og af hvem – ikke deres indhold.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function RunProgress({ runId, onClose }: { runId: string; onClose: () => void }) {
  const [state] = useApiQuery(
    [...KEY, 'run', runId],
    (signal) => call(api.GET('/api/admin/retention/deletions/{run_id}', { params: { path: { run_id: runId } }, signal })),
    { refetchInterval: (r: Run) => (r.status === 'faerdig' ? false : 1000) },
  );
  const finished = state.state === 'ready' && state.data.status === 'faerdig';
  // The deleted cases leave the list once the job is done.
  useEffect(() => {
    if (finished) invalidate([...KEY, 'expired']);
  }, [finished]);
  if (state.state === 'loading') return <Loading text="Henter sletningen …" />;
  if (state.state === 'error')
    return (
      <Alert variant="error" heading="Sletningen kunne ikke hentes">
        <p>{state.message}</p>
      </Alert>
    );
  const r = state.data;
  const refused = r.cases.filter((c) => c.outcome === 'afvist');
  if (r.status !== 'faerdig')
    return (
      <div role="status" className="admin-section">
        <p>
          Sletter sager … {r.done} af {r.total} ({r.percent} %)
        </p>
        <progress max={100} value={r.percent} aria-label="Sletningens fremdrift" />
      </div>
    );
  return (
    <Alert
      variant={refused.length ? 'warning' : 'success'}
      role="status"
      heading={`Sletningen er færdig: ${plural(r.deleted, 'sag', 'sager')} slettet`}
      action={
        <button type="button" className="button button-secondary" onClick={onClose}>
          Luk besked
        </button>
      }
    >
      {refused.length ? (
        <>
          <p>{plural(refused.length, 'sag blev ikke slettet', 'sager blev ikke slettet')}:</p>
          <ul>
            {refused.map((c) => (
              <li key={c.id}>
                Sag {c.case_number ?? 'uden nummer'}: {c.reason}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Revisionsloggen viser, hvilke sager der er slettet.</p>
      )}
    </Alert>
  );
}
