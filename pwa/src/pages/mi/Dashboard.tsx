import { useMemo, useState } from 'react';
import { api, call, can, type SessionRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { SelectField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDateTime, formatNumber, plural } from '../../format';
import { useApiQuery } from '../../useApi';
import { ChartFigure, type Spec } from './ChartFigure';
import { DataTable } from './DataTable';
import { columnIndex, type TableRead } from './table';

const SPECS: Record<string, Spec> = {
  caseload: { kind: 'bar', horizontal: true, label: 'caseworker', values: ['open_cases', 'open_activities', 'overdue_activities'] },
  compliance: { kind: 'bar', horizontal: true, label: 'measure', values: ['rate'] },
  compliance_by_month: { kind: 'line', pivot: { series: 'measure', x: 'month_label', value: 'rate' } },
  compliance_by_team: { kind: 'bar', pivot: { series: 'measure', x: 'team', value: 'rate' } },
  notifications_by_source: { kind: 'pie', label: 'source', values: ['count'] },
  children_by_measure: { kind: 'bar', horizontal: true, label: 'measure', values: ['children'] },
  children_by_age: { kind: 'bar', stacked: true, label: 'age_band', values: ['placed', 'support'] },
  children_by_supplier: { kind: 'bar', horizontal: true, label: 'supplier', values: ['children'], limit: 15 },
  turning_18: { kind: 'bar', label: 'month_label', values: ['young_people', 'transition_planned'] },
  costs_by_measure: { kind: 'bar', horizontal: true, label: 'label', values: ['expected_month', 'paid_year'] },
  costs_by_supplier: { kind: 'bar', horizontal: true, label: 'label', values: ['expected_month', 'paid_year'], limit: 15 },
};

/** Placed children whose supervision visit is overdue, summed over the caseworkers. */
function overdueSupervision(t: TableRead): number {
  const i = t.columns.findIndex((c) => c.key === 'overdue_supervision');
  return i < 0 ? 0 : t.rows.reduce((n, r) => n + Number(r[i] ?? 0), 0);
}

/** notifications_by_month: one series per source column (not the total). */
function monthSpec(t: TableRead): Spec {
  return {
    kind: 'bar',
    stacked: true,
    label: 'month_label',
    values: t.columns.filter((c) => c.type === 'int' && c.key !== 'total').map((c) => c.key),
  };
}

const MONTHS = [
  { value: '6', label: '6 måneder' },
  { value: '12', label: '12 måneder' },
  { value: '24', label: '24 måneder' },
  { value: '36', label: '36 måneder' },
];

/** compliance_by_team_month for one team (a table; the chart hint is a line per measure). */
function TeamMonths({ table, exportParams }: { table: TableRead; exportParams: Record<string, unknown> }) {
  const ti = columnIndex(table, 'team');
  const teams = useMemo(() => [...new Set(table.rows.map((r) => String(r[ti])))], [table, ti]);
  const [team, setTeam] = useState('');
  const chosen = team && teams.includes(team) ? team : (teams[0] ?? '');
  const filtered = useMemo<TableRead>(
    () => ({ ...table, title: `${table.title}: ${chosen}`, rows: table.rows.filter((r) => String(r[ti]) === chosen) }),
    [table, ti, chosen],
  );
  if (teams.length === 0) {
    return (
      <section className="mi-figure" aria-labelledby="mi-team-month-heading">
        <h3 id="mi-team-month-heading">{table.title}</h3>
        <p className="empty-state">Der er ingen frister i perioden</p>
      </section>
    );
  }
  return (
    <div className="mi-team-month">
      <SelectField
        id="mi-team-month-team"
        label="Team (frister pr. team og måned)"
        value={chosen}
        onChange={setTeam}
        choices={teams.map((t) => ({ value: t, label: t }))}
      />
      <ChartFigure
        key={chosen}
        table={filtered}
        spec={{ kind: 'line', pivot: { series: 'measure', x: 'month_label', value: 'rate' } }}
        exportParams={exportParams}
        level={3}
      />
    </div>
  );
}

/** The management dashboard (GET /api/mi/dashboard): a manager's teams or the kommune. */
export function Dashboard({ session }: { session: SessionRead }) {
  const manager = can(session, 'case.approve');
  const [scope, setScope] = useState<'teams' | 'kommune'>(manager ? 'teams' : 'kommune');
  const [months, setMonths] = useState('12');
  const [board, reload] = useApiQuery(['mi', 'dashboard', scope, months], 
    (signal) =>
      call(
        api.GET('/api/mi/dashboard', {
          params: { query: { scope, months: Number(months) } },
          signal,
        }),
      ),
    { keepPrevious: true },
  );
  const exportParams = { scope, months: Number(months) };

  let body;
  if (board.state === 'loading') {
    body = <Loading text="Henter ledelsesinformation …" />;
  } else if (board.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Ledelsesinformationen kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{board.message}</p>
      </Alert>
    );
  } else {
    const d = board.data;
    const fig = (t: TableRead, open = false, stacked = false) => (
      <ChartFigure table={t} spec={SPECS[t.key] ?? null} exportParams={exportParams} tableOpen={open} stacked={stacked} />
    );
    body = (
      <>
        <p className="mi-scope">
          {d.scope === 'kommune' ? (
            <>Hele kommunen</>
          ) : (
            <>
              {d.teams.length === 1 ? 'Team: ' : 'Teams: '}
              <strong>{d.teams.join(', ') || 'ingen'}</strong>
            </>
          )}
          {' · '}Opgjort {formatDateTime(d.generated_at)}
        </p>
        <ul className="mi-keys nobullet-list" aria-label="Nøgletal">
          <li>
            <span className="mi-key-value">{formatNumber(d.caseload.rows.reduce((n, r) => n + Number(r[1] ?? 0), 0))}</span>{' '}
            åbne sager fordelt på sagsbehandlere
          </li>
          <li>
            <span className="mi-key-value">{formatNumber(overdueSupervision(d.caseload))}</span> anbragte børn med
            overskredet tilsynsbesøg (§ 156, stk. 5)
          </li>
          <li>
            <span className="mi-key-value">{formatNumber(d.turning_18_count)}</span> anbragte unge fylder 18 inden for
            12 måneder
          </li>
          <li>
            <span className="mi-key-value">
              {formatNumber(d.notifications_by_source.rows.reduce((n, r) => n + Number(r[2] ?? 0), 0))}
            </span>{' '}
            underretninger i perioden
          </li>
          <li>
            <span className="mi-key-value">{formatNumber(d.open_complaints)}</span> åbne klager over afgørelser
            {d.reconsiderations_overdue > 0
              ? `, heraf ${formatNumber(d.reconsiderations_overdue)} med genvurdering over fristen`
              : ''}
          </li>
          <li>
            <span className="mi-key-value">{formatNumber(d.awaiting_committee)}</span>{' '}
            {d.awaiting_committee === 1 ? 'sag' : 'sager'} om anbringelse uden samtykke venter på børne- og
            ungeudvalget
            {d.awaiting_confirmation > 0
              ? `; ${plural(d.awaiting_confirmation, 'foreløbig formandsafgørelse', 'foreløbige formandsafgørelser')} venter på udvalgets godkendelse`
              : ''}
          </li>
        </ul>

        <section aria-labelledby="mi-frister" className="mi-section">
          <h2 id="mi-frister">Frister (Børnesagsbarometeret)</h2>
          <p>
            Andel overholdt pr. målepunkt, talt som i Ankestyrelsens Børnesagsbarometer: enheden er sager med en
            afgørelse om indsats i perioden (vurderingen inden 24 timer dog pr. underretning). Hvert målepunkt står
            med sin definition i tabellen. Et skridt er til tiden efter den dato, det fandt sted, som
            sagsbehandleren har registreret den.
          </p>
          {/* Stacked on a tablet held upright: a measure's definition needs the width. The
              tables by month and team are long lists of short numbers: they scroll in their
              own region instead (as cards they would be sixty). */}
          {fig(d.compliance, true, true)}
          {fig(d.compliance_by_month)}
          {fig(d.compliance_by_team)}
          <TeamMonths table={d.compliance_by_team_month} exportParams={exportParams} />
        </section>

        <section aria-labelledby="mi-underretninger" className="mi-section">
          <h2 id="mi-underretninger">Underretninger</h2>
          {fig(d.notifications_by_source)}
          <ChartFigure table={d.notifications_by_month} spec={monthSpec(d.notifications_by_month)} exportParams={exportParams} />
        </section>

        <section aria-labelledby="mi-sagstal" className="mi-section">
          <h2 id="mi-sagstal">Sagstal</h2>
          {fig(d.caseload)}
        </section>

        <section aria-labelledby="mi-boern" className="mi-section">
          <h2 id="mi-boern">Børn og unge med indsatser</h2>
          {fig(d.children_by_measure)}
          {fig(d.children_by_age)}
          {fig(d.children_by_supplier)}
          {fig(d.turning_18)}
          <UngeListe scope={scope} />
          <UngestoetteListe scope={scope} />
        </section>

        <section aria-labelledby="mi-udgifter" className="mi-section">
          <h2 id="mi-udgifter">Udgifter</h2>
          <p>Forventet udgift denne måned efter bevillingernes priser, og betalt for perioder, der begynder i år.</p>
          {fig(d.costs_by_measure)}
          {fig(d.costs_by_supplier)}
        </section>
      </>
    );
  }

  return (
    <div aria-busy={board.state === 'loading'} className="mi-dashboard">
      <form className="mi-controls" onSubmit={(e) => e.preventDefault()} aria-label="Vælg udsnit">
        {manager ? (
          <SelectField
            id="mi-scope"
            label="Vis"
            value={scope}
            onChange={(v) => setScope(v === 'kommune' ? 'kommune' : 'teams')}
            choices={[
              { value: 'teams', label: 'Mine teams' },
              { value: 'kommune', label: 'Hele kommunen' },
            ]}
          />
        ) : null}
        <SelectField id="mi-months" label="Periode" value={months} onChange={setMonths} choices={MONTHS} />
      </form>
      {body}
    </div>
  );
}

/** The named list of young people turning 18 (audited: fetched only on request). */
function UngeListe({ scope }: { scope: 'teams' | 'kommune' }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="mi-figure" aria-labelledby="mi-unge-heading">
      <h3 id="mi-unge-heading">Navneliste: anbragte unge, der fylder 18</h3>
      {open ? (
        <UngeTable scope={scope} />
      ) : (
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)}>
          Vis navnelisten
        </button>
      )}
    </section>
  );
}

function UngeTable({ scope }: { scope: 'teams' | 'kommune' }) {
  const [list, reload] = useApiQuery(['mi', 'turning-18', scope], 
    (signal) => call(api.GET('/api/mi/turning-18', { params: { query: { scope } }, signal })),
    { keepPrevious: true },
  );
  if (list.state === 'loading') return <Loading text="Henter listen …" small />;
  if (list.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Listen kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{list.message}</p>
      </Alert>
    );
  return (
    <DataTable
      id="mi-unge-list"
      caption={list.data.title}
      columns={list.data.columns}
      rows={list.data.rows}
      empty="Ingen anbragte unge fylder 18 inden for 12 måneder"
    />
  );
}

/** The named list of young people with support after 18 running (§ 114; audited: fetched
 * only on request). */
function UngestoetteListe({ scope }: { scope: 'teams' | 'kommune' }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="mi-figure" aria-labelledby="mi-ungestoette-heading">
      <h3 id="mi-ungestoette-heading">Navneliste: unge med ungestøtte efter det 18. år</h3>
      {open ? (
        <UngestoetteTable scope={scope} />
      ) : (
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)}>
          Vis listen over unge med ungestøtte
        </button>
      )}
    </section>
  );
}

function UngestoetteTable({ scope }: { scope: 'teams' | 'kommune' }) {
  const [list, reload] = useApiQuery(
    ['mi', 'support-after-18', scope],
    (signal) => call(api.GET('/api/mi/support-after-18', { params: { query: { scope } }, signal })),
    { keepPrevious: true },
  );
  if (list.state === 'loading') return <Loading text="Henter listen …" small />;
  if (list.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Listen kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{list.message}</p>
      </Alert>
    );
  return (
    <DataTable
      id="mi-ungestoette-list"
      caption={list.data.title}
      columns={list.data.columns}
      rows={list.data.rows}
      empty="Ingen unge har ungestøtte efter det 18. år"
    />
  );
}
