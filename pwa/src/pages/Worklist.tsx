import { Fragment, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call, fieldErrors, messageOf, type ActivityRead, type Worklist as WorklistData } from '../api/client';
import type { components } from '../api/schema';
import { casePath, intakeKindLabel, notifierKindLabel, sourceLabel, stageLabel } from '../casework';
import { Alert } from '../components/Alert';
import { TextArea } from '../components/Form';
import { Icon } from '../components/Icon';
import { Loading } from '../components/Loading';
import { Pager } from '../components/Pager';
import { formatAge, formatDate, formatDeadline, formatNumber, plural } from '../format';
import { OfflinePanel } from '../offline/OfflinePanel';
import { Link, navigate, usePath, useSearch } from '../router';
import { useApiQuery } from '../useApi';
import { useSubmit } from '../mutation';
import { Basis } from '../components/Basis';
import { CompleteActivity } from './sag/CompleteActivity';

type GroupKey = components['schemas']['WindowCount']['key'];
type ActivityPage = components['schemas']['ActivityPage'];
type CaseSort = 'navn' | 'aabnet' | 'overskredne';

const GROUPS: { key: GroupKey; heading: string; empty: string }[] = [
  { key: 'overdue', heading: 'Overskredet', empty: 'Ingen aktiviteter har overskredet fristen.' },
  { key: 'this_week', heading: 'Denne uge', empty: 'Ingen aktiviteter med frist i denne uge.' },
  { key: 'later', heading: 'Senere', empty: 'Ingen aktiviteter med senere frist.' },
  { key: 'without_deadline', heading: 'Uden frist', empty: 'Ingen aktiviteter uden frist.' },
];

/** Rows per page in the worklist's groups, "Nye underretninger" and "Mine sager". */
export const ACTIVITY_PAGE = 6;
const NEWS_PAGE = 5;
const CASE_PAGE = 10;

/** A notification received in the last 14 days (GET /api/worklist/notifications, GET /api/team/overview). */
export type NotificationLine = NonNullable<WorklistData['new_notifications']>[number];

function unassessedSummary(open: number, total: number): string {
  if (open === 0) return 'Ingen mangler vurdering.';
  return `${formatNumber(open)} af ${formatNumber(total)} mangler vurdering.`;
}

/**
 * The "Nye underretninger" table (newest first, as the API sorts them): the child with a link
 * to the case, kind, source, when it came in, suspected abuse and whether it is assessed.
 * Unassessed rows are marked (warning colour) so they stand out. `headingId` names the
 * heading the caller shows above it; `total`/`unassessed` count all pages (default: `items`).
 */
export function NotificationTable({
  items,
  headingId,
  caption,
  total = items.length,
  unassessed = items.filter((n) => !n.assessed).length,
}: {
  items: NotificationLine[];
  headingId: string;
  caption: string;
  total?: number;
  unassessed?: number;
}) {
  return (
    <>
      <p className="news-summary">{unassessedSummary(unassessed, total)}</p>
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={headingId}>
        <table className="table table--compact table-md-responsive-headers worklist-table news-table">
          <caption className="sr-only">
            {caption}, nyeste først: {total === 1 ? '1 modtaget' : `${formatNumber(total)} modtaget`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Barn</th>
              <th scope="col">Type</th>
              <th scope="col">Kilde</th>
              <th scope="col">Modtaget</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => {
              const source = sourceLabel(n.source);
              const notifier = notifierKindLabel(n.notifier_kind);
              return (
                <tr key={n.id} className={n.assessed ? undefined : 'news-unassessed'}>
                  <th scope="row" data-title="Barn">
                    <Link to={casePath(n.hovedsag_id, n.child_id)}>{n.child_name}</Link>
                  </th>
                  <td data-title="Type">
                    {intakeKindLabel(n.kind)}
                    {n.suspected_abuse ? (
                      <span className="news-flag">
                        <span className="badge badge-error">Mistanke om overgreb</span>
                      </span>
                    ) : null}
                  </td>
                  <td data-title="Kilde">
                    {source}
                    {notifier !== source ? <span className="cell-note">{notifier}</span> : null}
                  </td>
                  <td className="worklist-due" data-title="Modtaget">
                    <time dateTime={n.received_at}>{formatDeadline(n.received_at)}</time>
                  </td>
                  <td data-title="Status">
                    {n.assessed ? (
                      <span className="badge badge-success">Vurderet</span>
                    ) : (
                      <span className="badge badge-warning news-pending">
                        <Icon name="warning" className="news-pending-icon" />
                        Ikke vurderet
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}


type Failure = { message: string; conflict: boolean; title: string };
type Done = { heading: string; text?: string };

/** The one open cancel form's textarea (only one row's form is open at a time). */
const REASON_ID = 'cancel-reason';
const cancelButtonId = (a: ActivityRead) => `cancel-open-${a.id}`;
const cancelFormId = (a: ActivityRead) => `cancel-form-${a.id}`;

/**
 * The inline "Annullér" form of one worklist row: a reason, then
 * POST /api/activities/{id}/cancel. A 409 (changed by someone else) goes to the worklist's
 * status area with "Hent igen"; field errors stay next to the textarea.
 */
function CancelForm({
  activity,
  onCancelled,
  onConflict,
  onClose,
}: {
  activity: ActivityRead;
  onCancelled: (a: ActivityRead) => void;
  onConflict: (a: ActivityRead, message: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const { run, busy } = useSubmit();

  useEffect(() => {
    document.getElementById(REASON_ID)?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    setFailure(undefined);
    await run(
      async () => {
        await call(
          api.POST('/api/activities/{activity_id}/cancel', {
            params: { path: { activity_id: activity.id } },
            body: { version: activity.version, reason: reason.trim() },
          }),
        );
        onCancelled(activity);
      },
      (err) => {
        if (err instanceof ApiError && err.status === 409) {
          onConflict(activity, messageOf(err));
          return;
        }
        const fields = fieldErrors(err);
        if (fields.reason) {
          setError(fields.reason);
          requestAnimationFrame(() => document.getElementById(REASON_ID)?.focus());
        } else {
          setFailure(Object.values(fields)[0] ?? messageOf(err));
        }
      },
    );
  };

  return (
    <form id={cancelFormId(activity)} onSubmit={submit} noValidate className="worklist-cancel">
      {failure ? (
        <Alert variant="error" heading="Aktiviteten blev ikke annulleret">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextArea
        id={REASON_ID}
        label="Begrundelse for annullering"
        hint={`Forklar, hvorfor „${activity.title}“ ikke skal udføres.`}
        value={reason}
        onChange={(v) => {
          setReason(v);
          setError(undefined);
        }}
        error={error}
        rows={3}
      />
      <div className="button-row">
        <button
          type="submit"
          className={`button button-primary button-small ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Bekræft annullering
        </button>
        <button type="button" className="button button-tertiary button-small" onClick={onClose}>
          Fortryd
        </button>
      </div>
    </form>
  );
}


type Filters = { type: string; sag: string; frist: GroupKey | ''; vis: string };

const isGroup = (v: string | null): v is GroupKey => GROUPS.some((g) => g.key === v);

/** The worklist's filters, kept in the address (?type=…&sag=…&frist=…): back, forward and reload keep them. */
function useFilters(): [Filters, (change: Partial<Filters>) => void] {
  const search = useSearch();
  const path = usePath();
  const frist = search.get('frist');
  const filters: Filters = { type: search.get('type') ?? '', sag: search.get('sag') ?? '', frist: isGroup(frist) ? frist : '', vis: search.get('vis') ?? '' };
  const set = (change: Partial<Filters>) => {
    const q = new URLSearchParams(search);
    for (const [k, v] of Object.entries(change)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    const query = q.toString();
    navigate(query ? `${path}?${query}` : path);
  };
  return [filters, set];
}

/**
 * The one place a worklist row's actions are drawn ("Udført" and "Annullér"), so the
 * completion dialog replaces them in one spot.
 */
function RowActions({
  activity: a,
  busy,
  cancelling,
  onComplete,
  onFailed,
  onReloaded,
  onToggleCancel,
}: {
  activity: ActivityRead;
  busy: string | null;
  cancelling: string | null;
  onComplete: (a: ActivityRead) => void;
  onFailed: (a: ActivityRead, message: string, conflict: boolean) => void;
  onReloaded: (a: ActivityRead) => void;
  onToggleCancel: (a: ActivityRead) => void;
}) {
  return (
    <div className="worklist-actions">
      <CompleteActivity
        activity={a}
        disabled={busy !== null}
        onCompleted={() => onComplete(a)}
        onFailed={(message, conflict) => onFailed(a, message, conflict)}
        onReloaded={() => onReloaded(a)}
      />
      <button
        type="button"
        id={cancelButtonId(a)}
        className="button button-tertiary button-small"
        aria-label={`Annullér ${a.title}`}
        aria-expanded={cancelling === a.id}
        aria-controls={cancelling === a.id ? cancelFormId(a) : undefined}
        aria-disabled={busy !== null || undefined}
        onClick={() => onToggleCancel(a)}
      >
        Annullér
      </button>
    </div>
  );
}

type RowHandlers = {
  busy: string | null;
  cancelling: string | null;
  onComplete: (a: ActivityRead) => void;
  onFailed: (a: ActivityRead, message: string, conflict: boolean) => void;
  onReloaded: (a: ActivityRead) => void;
  onToggleCancel: (a: ActivityRead) => void;
  renderCancel: (a: ActivityRead) => ReactNode;
  canWrite: boolean;
};

function ActivityRows({ group, items, handlers }: { group: (typeof GROUPS)[number]; items: ActivityRead[]; handlers: RowHandlers }) {
  const overdue = group.key === 'overdue';
  const { cancelling, canWrite, renderCancel } = handlers;
  return (
    <table className="table table--compact table-sm-responsive-headers worklist-table">
      <caption className="sr-only">{group.heading}</caption>
      <thead>
        <tr>
          <th scope="col">Aktivitet</th>
          <th scope="col">Barn</th>
          <th scope="col">Frist</th>
          {canWrite ? (
            <th scope="col">
              <span className="sr-only">Handlinger</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <Fragment key={a.id}>
            <tr>
              <th scope="row" data-title="Aktivitet">
                {a.title}
                <Basis text={a.basis} confirmed={a.basis_confirmed} />
              </th>
              <td data-title="Barn">
                <Link to={casePath(a.hovedsag_id)}>{a.child_name}</Link>
                {a.case_number ? <span className="cell-note case-number">Sag {a.case_number}</span> : null}
              </td>
              <td data-title="Frist" className={`worklist-due ${overdue ? 'worklist-due-overdue' : ''}`.trim()}>
                {a.due_asap ? (
                  <>
                    <span className="due-asap">Snarest muligt</span>
                    {a.due_reason ? <span className="cell-note">{a.due_reason}</span> : null}
                  </>
                ) : a.due_at ? (
                  <time dateTime={a.due_at}>{formatDeadline(a.due_at)}</time>
                ) : (
                  'Ingen frist'
                )}
              </td>
              {canWrite ? (
                <td data-title="Handlinger">
                  <RowActions
                    activity={a}
                    busy={handlers.busy}
                    cancelling={cancelling}
                    onComplete={handlers.onComplete}
                    onFailed={handlers.onFailed}
                    onReloaded={handlers.onReloaded}
                    onToggleCancel={handlers.onToggleCancel}
                  />
                </td>
              ) : null}
            </tr>
            {cancelling === a.id ? (
              <tr className="worklist-cancel-row">
                <td colSpan={canWrite ? 4 : 3}>{renderCancel(a)}</td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One deadline group: a DKFDS accordion heading with the group's count (shown folded too),
 * and when open a page of its activities (GET /api/worklist/activities) with "Forrige/Næste".
 */
function ActivityGroup({
  group,
  total,
  filters,
  open,
  onToggle,
  handlers,
}: {
  group: (typeof GROUPS)[number];
  total: number;
  filters: Filters;
  open: boolean;
  onToggle: () => void;
  handlers: RowHandlers;
}) {
  const [page, setPage] = useState(1);
  const [data, reload] = useApiQuery(
    ['worklist', 'activities', group.key, filters.type, filters.sag, page],
    (signal) =>
      call(
        api.GET('/api/worklist/activities', {
          params: {
            query: {
              vindue: group.key,
              type: filters.type || undefined,
              sag: filters.sag || undefined,
              offset: (page - 1) * ACTIVITY_PAGE,
              limit: ACTIVITY_PAGE,
            },
          },
          signal,
        }),
      ),
    { enabled: open && total > 0, keepPrevious: true },
  );
  const pages = Math.max(1, Math.ceil((data.state === 'ready' ? data.data.total : total) / ACTIVITY_PAGE));
  useEffect(() => {
    if (page > pages) setPage(pages); // the last rows of the last page were completed
  }, [page, pages]);
  const headingId = `worklist-${group.key}`;
  const contentId = `worklist-${group.key}-rows`;
  const overdue = group.key === 'overdue' && total > 0;

  let body: ReactNode;
  if (total === 0) body = <p className="worklist-empty">{group.empty}</p>;
  else if (data.state === 'loading') body = <Loading small text="Henter aktiviteter …" />;
  else if (data.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Aktiviteterne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{data.message}</p>
      </Alert>
    );
  else
    body = (
      <>
        <ActivityRows group={group} items={data.data.items} handlers={handlers} />
        {pages > 1 ? <Pager label={`Sider i ${group.heading.toLowerCase()}`} page={page} pages={pages} onGo={setPage} /> : null}
      </>
    );

  return (
    <section aria-labelledby={headingId} className={`worklist-group ${overdue ? 'worklist-overdue' : ''}`.trim()}>
      <h3 className="worklist-heading">
        <button
          type="button"
          id={headingId}
          className="accordion-button worklist-toggle"
          aria-expanded={open}
          aria-controls={contentId}
          onClick={onToggle}
        >
          {overdue ? <Icon name="error" className="worklist-icon" /> : null}
          <span className="worklist-group-name">{group.heading}</span>
          <span className={`worklist-count ${overdue ? 'worklist-count-overdue' : ''}`.trim()}>
            {formatNumber(total)}
            <span className="sr-only"> {total === 1 ? 'aktivitet' : 'aktiviteter'}</span>
          </span>
        </button>
      </h3>
      <div id={contentId} className="accordion-content worklist-rows" aria-hidden={!open} hidden={!open}>
        {open ? body : null}
      </div>
    </section>
  );
}

function FilterSelect({
  label,
  value,
  onChange,
  all,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  all: string;
  options: { value: string; label: string }[];
}) {
  const id = useId();
  const known = value === '' || options.some((o) => o.value === value);
  return (
    <div className="form-group worklist-filter">
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      <select className="form-select" id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{all}</option>
        {known ? null : <option value={value}>Det valgte (ingen åbne aktiviteter)</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The caseworker's open activities grouped by deadline, filtered by type, child and deadline, a page at a time. */
export function Worklist({ canWrite = true }: { canWrite?: boolean }) {
  const client = useQueryClient();
  const [filters, setFilters] = useFilters();
  const [summary, reloadSummary] = useApiQuery(
    ['worklist', 'summary', filters.type, filters.sag],
    (signal) =>
      call(
        api.GET('/api/worklist/summary', {
          params: { query: { type: filters.type || undefined, sag: filters.sag || undefined } },
          signal,
        }),
      ),
    { keepPrevious: true },
  );
  const [opened, setOpened] = useState<Partial<Record<GroupKey, boolean>>>({});
  // The other tabs' choices live here, not in their panels, which unmount with the tab.
  const [newsPage, setNewsPage] = useState(1);
  const [casesView, setCasesView] = useState<CasesView>(CASES_START);
  // Completing is CompleteActivity's own save (its busy state); nothing here waits on one.
  const busy: string | null = null;
  const [done, setDone] = useState<Done | undefined>();
  const [failure, setFailure] = useState<Failure | undefined>();
  const [cancelling, setCancelling] = useState<string | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);

  // Focus the status after the render that shows it (a state, not a frame callback): when a
  // dialog closes in the same update, focusing before React has closed it would find the page
  // behind the modal inert, and the dialog's own focus return would win.
  const [focusAsked, setFocusAsked] = useState(0);
  useEffect(() => {
    if (focusAsked) statusRef.current?.focus();
  }, [focusAsked]);
  const focusStatus = () => setFocusAsked((n) => n + 1);

  /** The activity is done or cancelled: off the pages at once, then counts and news again. */
  const gone = (a: ActivityRead) => {
    client.setQueriesData<ActivityPage>({ queryKey: ['worklist', 'activities'] }, (d) =>
      d ? { ...d, items: d.items.filter((x) => x.id !== a.id), total: Math.max(0, d.total - 1) } : d,
    );
    void client.invalidateQueries({ queryKey: ['worklist'] });
  };

  const toggleCancel = (a: ActivityRead) => {
    if (busy) return;
    setDone(undefined);
    setFailure(undefined);
    setCancelling((id) => (id === a.id ? null : a.id));
  };

  const closeCancel = (a: ActivityRead) => {
    setCancelling(null);
    requestAnimationFrame(() => document.getElementById(cancelButtonId(a))?.focus());
  };

  const cancelled = (a: ActivityRead) => {
    setCancelling(null);
    gone(a);
    setFailure(undefined);
    setDone({ heading: 'Aktiviteten er annulleret', text: `${a.title} (${a.child_name})` });
    focusStatus();
  };

  const cancelConflict = (a: ActivityRead, message: string) => {
    setCancelling(null);
    setDone(undefined);
    setFailure({ message, conflict: true, title: a.title });
    focusStatus();
  };

  // CompleteActivity saved it (with its record, if the rule asks for one).
  const complete = (a: ActivityRead) => {
    gone(a);
    setCancelling((id) => (id === a.id ? null : id));
    setFailure(undefined);
    setDone({ heading: `${a.title} (${a.child_name}) er markeret som udført` });
    // The button is gone: keep focus on the outcome.
    focusStatus();
  };

  const completeFailed = (a: ActivityRead, message: string, conflict: boolean) => {
    setDone(undefined);
    setFailure({ message, conflict, title: a.title });
    focusStatus();
  };

  const refresh = () => {
    setCancelling(null);
    setFailure(undefined);
    setDone(undefined);
    void client.invalidateQueries({ queryKey: ['worklist'] });
  };

  // "Hent igen" in the completion dialog: the list is fetched again; say so where focus goes.
  const reloaded = (a: ActivityRead) => {
    setFailure(undefined);
    setDone({
      heading: 'Listen er hentet igen',
      text: `${a.title} (${a.child_name}) var ændret af en anden. Listen viser nu, hvad der gælder.`,
    });
    focusStatus();
  };

  const handlers: RowHandlers = {
    busy,
    cancelling,
    onComplete: complete,
    onFailed: completeFailed,
    onReloaded: reloaded,
    onToggleCancel: toggleCancel,
    canWrite,
    renderCancel: (a) => (
      <CancelForm key={a.id} activity={a} onCancelled={cancelled} onConflict={cancelConflict} onClose={() => closeCancel(a)} />
    ),
  };

  const filtered = filters.type !== '' || filters.sag !== '' || filters.frist !== '';
  const tab: Tab = filters.vis === 'underretninger' || filters.vis === 'sager' ? filters.vis : 'aktiviteter';
  const ready = summary.state === 'ready' ? summary.data : null;
  let activities: ReactNode;
  if (summary.state === 'loading') {
    activities = <Loading text="Henter dine aktiviteter …" />;
  } else if (summary.state === 'error') {
    activities = (
      <Alert
        variant="error"
        heading={summary.status === 403 ? 'Du har ikke adgang til aktiviteterne' : 'Dine aktiviteter kunne ikke hentes'}
        action={
          summary.status === 403 ? null : filtered && summary.status === 400 ? (
            <button type="button" className="button button-secondary" onClick={() => setFilters({ type: '', sag: '', frist: '' })}>
              Nulstil filtre
            </button>
          ) : (
            <button type="button" className="button button-secondary" onClick={reloadSummary}>
              Prøv igen
            </button>
          )
        }
      >
        <p>{summary.message}</p>
      </Alert>
    );
  } else {
    const totals = new Map(summary.data.windows.map((w) => [w.key, w.total]));
    const all = summary.data.types.reduce((n, t) => n + t.count, 0);
    const shown = GROUPS.filter((g) => filters.frist === '' || g.key === filters.frist);
    const first = shown.find((g) => (totals.get(g.key) ?? 0) > 0)?.key;
    activities =
      all === 0 ? (
        <p className="empty-state">Du har ingen åbne aktiviteter</p>
      ) : (
        shown.map((g) => (
          <ActivityGroup
            key={`${g.key}|${filters.type}|${filters.sag}`}
            group={g}
            total={totals.get(g.key) ?? 0}
            filters={filters}
            open={opened[g.key] ?? g.key === first}
            onToggle={() => setOpened((o) => ({ ...o, [g.key]: !(o[g.key] ?? g.key === first) }))}
            handlers={handlers}
          />
        ))
      );
  }

  const totalOpen = ready ? ready.windows.reduce((n, w) => n + w.total, 0) : null;
  return (
    <>
      <FrontTabs tab={tab} onTab={(vis) => setFilters({ vis })} openActivities={totalOpen} />
      <div role="tabpanel" id={`front-panel-${tab}`} aria-labelledby={`front-tab-${tab}`} className="front-panel">
      {tab === 'aktiviteter' ? (
      <section
        aria-labelledby="my-activities-heading"
        aria-busy={summary.state === 'loading'}
        className="worklist"
      >
        <h2 id="my-activities-heading" className="sr-only">
          Mine aktiviteter
        </h2>
        <form className="worklist-filters" role="search" aria-label="Filtrér mine aktiviteter" onSubmit={(e) => e.preventDefault()}>
          <FilterSelect
            label="Type"
            all="Alle typer"
            value={filters.type}
            onChange={(type) => setFilters({ type })}
            options={(ready?.types ?? []).map((t) => ({ value: t.value, label: `${t.label} (${formatNumber(t.count)})` }))}
          />
          <FilterSelect
            label="Barn"
            all="Alle børn"
            value={filters.sag}
            onChange={(sag) => setFilters({ sag })}
            options={(ready?.cases ?? []).map((c) => ({ value: c.id, label: `${c.child_name} (${formatNumber(c.count)})` }))}
          />
          <FilterSelect
            label="Frist"
            all="Alle frister"
            value={filters.frist}
            onChange={(frist) => setFilters({ frist: isGroup(frist) ? frist : '' })}
            options={GROUPS.map((g) => ({ value: g.key, label: g.heading }))}
          />
          {filtered ? (
            <button
              type="button"
              className="button button-tertiary worklist-reset"
              onClick={() => setFilters({ type: '', sag: '', frist: '' })}
            >
              Nulstil filtre
            </button>
          ) : null}
        </form>
        <div ref={statusRef} tabIndex={-1} className="worklist-status">
          {failure ? (
            <Alert
              variant="error"
              heading={
                failure.conflict ? 'Aktiviteten er ændret af en anden' : `${failure.title} blev ikke markeret som udført`
              }
              action={
                <button type="button" className="button button-secondary" onClick={refresh}>
                  Hent igen
                </button>
              }
            >
              <p>{failure.message}</p>
            </Alert>
          ) : null}
          {done ? (
            <Alert variant="success" heading={done.heading}>
              {done.text ? <p>{done.text}</p> : null}
            </Alert>
          ) : null}
        </div>
        {activities}
      </section>
      ) : null}
      {tab === 'underretninger' ? <News page={newsPage} setPage={setNewsPage} /> : null}
      {tab === 'sager' ? <MyCases view={casesView} onView={setCasesView} /> : null}
      </div>
      <OfflinePanel />
    </>
  );
}

type Tab = 'aktiviteter' | 'underretninger' | 'sager';
const TABS: { key: Tab; label: string }[] = [
  { key: 'aktiviteter', label: 'Mine aktiviteter' },
  { key: 'underretninger', label: 'Nye underretninger' },
  { key: 'sager', label: 'Mine sager' },
];

const loadNews = (page: number) => (signal: AbortSignal) =>
  call(api.GET('/api/worklist/notifications', { params: { query: { offset: (page - 1) * NEWS_PAGE, limit: NEWS_PAGE } }, signal }));
const loadCases = (sort: CaseSort, name: string, page: number) => (signal: AbortSignal) =>
  call(
    api.GET('/api/worklist/cases', {
      params: { query: { sort, navn: name || undefined, offset: (page - 1) * CASE_PAGE, limit: CASE_PAGE } },
      signal,
    }),
  );

/**
 * The front page's three lists as DKFDS tabs (ARIA tabs: arrow keys move between them), each
 * with its count, so the count shows while the list is not; the tab is in the address (?vis=…).
 */
function FrontTabs({ tab, onTab, openActivities }: { tab: Tab; onTab: (vis: string) => void; openActivities: number | null }) {
  const [news] = useApiQuery(['worklist', 'notifications', 1], loadNews(1), { keepPrevious: true });
  const [cases] = useApiQuery(['worklist', 'cases', 'overskredne', '', 1], loadCases('overskredne', '', 1), { keepPrevious: true });
  const count = (key: Tab): ReactNode => {
    if (key === 'aktiviteter') return openActivities === null ? null : <span className="worklist-count">{formatNumber(openActivities)}<span className="sr-only"> åbne</span></span>;
    if (key === 'underretninger')
      return news.state === 'ready' ? (
        <span className={`worklist-count ${news.data.unassessed > 0 ? 'worklist-count-warning' : ''}`.trim()}>
          {formatNumber(news.data.unassessed)}
          <span className="sr-only"> ikke vurderet</span>
        </span>
      ) : null;
    return cases.state === 'ready' ? <span className="worklist-count">{formatNumber(cases.data.total)}<span className="sr-only"> åbne</span></span> : null;
  };
  const go = (key: Tab) => {
    onTab(key === 'aktiviteter' ? '' : key);
    requestAnimationFrame(() => document.getElementById(`front-tab-${key}`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const i = TABS.findIndex((t) => t.key === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length];
    if (t) go(t.key);
  };
  return (
    <div className="tab-container front-tabs">
      <ul className="tab-list" role="tablist" aria-label="Forsidens lister" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <li key={t.key} role="presentation">
            <button
              type="button"
              role="tab"
              id={`front-tab-${t.key}`}
              className="tab-button"
              aria-selected={tab === t.key}
              aria-controls={`front-panel-${t.key}`}
              tabIndex={tab === t.key ? 0 : -1}
              onClick={() => go(t.key)}
            >
              <span>{t.label}</span> {count(t.key)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * "Nye underretninger": the last 14 days on one's cases, newest first, a page at a time. The
 * page is the worklist's state: a tab's panel is mounted anew when the tab is chosen again.
 */
function News({ page, setPage }: { page: number; setPage: (page: number) => void }) {
  const [news, reload] = useApiQuery(['worklist', 'notifications', page], loadNews(page), { keepPrevious: true });
  let body: ReactNode;
  if (news.state === 'loading') body = <Loading text="Henter nye underretninger …" />;
  else if (news.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Nye underretninger kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{news.message}</p>
      </Alert>
    );
  else if (news.data.total === 0) body = <p className="empty-state">Ingen nye underretninger de sidste 14 dage</p>;
  else {
    const pages = Math.ceil(news.data.total / NEWS_PAGE);
    body = (
      <>
        <NotificationTable
          items={news.data.items}
          total={news.data.total}
          unassessed={news.data.unassessed}
          headingId="my-news-heading"
          caption="Nye underretninger"
        />
        {pages > 1 ? <Pager label="Sider med nye underretninger" page={page} pages={pages} onGo={setPage} /> : null}
      </>
    );
  }
  return (
    <section
      aria-labelledby="my-news-heading"
      aria-busy={news.state === 'loading'}
      className="worklist-news"
    >
      <h2 id="my-news-heading" className="sr-only">
        Nye underretninger
      </h2>
      <p className="news-intro">Underretninger, henvendelser og ansøgninger på dine sager de sidste 14 dage.</p>
      {body}
    </section>
  );
}

const SORTS: { value: CaseSort; label: string }[] = [
  { value: 'overskredne', label: 'Flest overskredne' },
  { value: 'navn', label: 'Navn' },
  { value: 'aabnet', label: 'Senest åbnet' },
];

/** "Mine sager"'s search (as typed and as searched), sort and page. */
type CasesView = { sort: CaseSort; typed: string; name: string; page: number };
const CASES_START: CasesView = { sort: 'overskredne', typed: '', name: '', page: 1 };

/**
 * "Mine sager": one's open cases, sorted and searched by name, a page at a time. What the
 * person chose is the worklist's state (`view`): the tab's panel is mounted anew when the tab
 * is chosen again, and a search typed there must still be there.
 */
function MyCases({ view, onView }: { view: CasesView; onView: (change: (v: CasesView) => CasesView) => void }) {
  const { sort, typed, name, page } = view;
  const setTyped = (t: string) => onView((v) => ({ ...v, typed: t }));
  const setPage = (p: number) => onView((v) => ({ ...v, page: p }));
  const [cases, reload] = useApiQuery(['worklist', 'cases', sort, name, page], loadCases(sort, name, page), { keepPrevious: true });
  const search = (e: FormEvent) => {
    e.preventDefault();
    onView((v) => ({ ...v, name: v.typed.trim(), page: 1 }));
  };

  let body: ReactNode;
  if (cases.state === 'loading') body = <Loading text="Henter dine sager …" />;
  else if (cases.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Dine sager kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{cases.message}</p>
      </Alert>
    );
  else if (cases.data.total === 0)
    body = <p className="empty-state">{name ? `Ingen af dine sager har et barn, der hedder „${name}“` : 'Du har ingen åbne sager'}</p>;
  else {
    const pages = Math.ceil(cases.data.total / CASE_PAGE);
    body = (
      <>
        <p className="my-cases-count" aria-live="polite">
          {plural(cases.data.total, 'sag', 'sager')}
          {name ? ` med „${name}“` : ''}
        </p>
        <table className="table table--compact table-md-responsive-headers my-cases-table">
          <caption className="sr-only">Mine sager</caption>
          <thead>
            <tr>
              <th scope="col">Barn</th>
              <th scope="col" className="num">
                Alder
              </th>
              <th scope="col">Fase</th>
              <th scope="col">Åbnet</th>
              <th scope="col" className="num">
                Åbne aktiviteter
              </th>
              <th scope="col" className="num">
                Overskredne
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.data.items.map((c) => (
              <tr key={c.id}>
                <th scope="row" data-title="Barn">
                  <Link to={casePath(c.id, c.child_id)}>{c.child_name}</Link>
                  {c.case_number ? <span className="cell-note case-number">Sag {c.case_number}</span> : null}
                </th>
                <td className="num" data-title="Alder">
                  {formatAge(c.age)}
                </td>
                <td data-title="Fase">{stageLabel(c.stage)}</td>
                <td data-title="Åbnet">
                  <time dateTime={c.opened_at}>{formatDate(c.opened_at)}</time>
                </td>
                <td className="num" data-title="Åbne aktiviteter">
                  {formatNumber(c.open_activities)}
                </td>
                <td className={`num ${c.overdue_activities > 0 ? 'worklist-due-overdue' : ''}`.trim()} data-title="Overskredne">
                  {formatNumber(c.overdue_activities)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {pages > 1 ? <Pager label="Sider med mine sager" page={page} pages={pages} onGo={setPage} /> : null}
      </>
    );
  }

  return (
    <section
      aria-labelledby="my-cases-heading"
      aria-busy={cases.state === 'loading'}
      className="my-cases"
    >
      <h2 id="my-cases-heading" className="sr-only">
        Mine sager
      </h2>
      <div className="my-cases-tools">
        <form role="search" aria-label="Søg i mine sager" onSubmit={search} className="my-cases-search">
          <div className="form-group">
            <label className="form-label" htmlFor="my-cases-name">
              Barnets navn eller sagsnummer
            </label>
            <input
              className="form-input"
              id="my-cases-name"
              type="search"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
            />
          </div>
          <button type="submit" className="button button-secondary">
            Søg
          </button>
        </form>
        <div className="form-group">
          <label className="form-label" htmlFor="my-cases-sort">
            Sortér efter
          </label>
          <select
            className="form-select"
            id="my-cases-sort"
            value={sort}
            onChange={(e) => {
              const chosen = SORTS.find((s) => s.value === e.target.value);
              if (chosen) onView((v) => ({ ...v, sort: chosen.value, page: 1 }));
            }}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {body}
    </section>
  );
}
