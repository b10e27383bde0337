import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, call, fieldErrors, messageOf, type ActivityRead, type Worklist as WorklistData } from '../api/client';
import { casePath, intakeKindLabel, notifierKindLabel, sourceLabel, stageLabel } from '../casework';
import { Alert } from '../components/Alert';
import { TextArea } from '../components/Form';
import { Icon } from '../components/Icon';
import { Loading } from '../components/Loading';
import { formatAge, formatDate, formatDeadline, formatNumber } from '../format';
import { OfflinePanel } from '../offline/OfflinePanel';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { useSubmit } from '../mutation';
import { Basis } from '../components/Basis';
import { CompleteActivity } from './sag/CompleteActivity';

type GroupKey = 'overdue' | 'this_week' | 'later' | 'without_deadline';

const GROUPS: { key: GroupKey; heading: string; empty: string }[] = [
  { key: 'overdue', heading: 'Overskredet', empty: 'Ingen aktiviteter har overskredet fristen.' },
  { key: 'this_week', heading: 'Denne uge', empty: 'Ingen aktiviteter med frist i denne uge.' },
  { key: 'later', heading: 'Senere', empty: 'Ingen aktiviteter med senere frist.' },
  { key: 'without_deadline', heading: 'Uden frist', empty: 'Ingen aktiviteter uden frist.' },
];

/** A notification received in the last 14 days (GET /api/worklist, GET /api/team/overview). */
export type NotificationLine = NonNullable<WorklistData['new_notifications']>[number];

/** The activities whose completion (or cancellation) is the notification's assessment. */
const ASSESSMENT_RULES = new Set(['vurdering-24-timer', 'afklar-henvendelse']);

function unassessedSummary(items: NotificationLine[]): string {
  const open = items.filter((n) => !n.assessed).length;
  if (open === 0) return 'Ingen mangler vurdering.';
  return `${formatNumber(open)} af ${formatNumber(items.length)} mangler vurdering.`;
}

/**
 * The "Nye underretninger" table (newest first, as the API sorts them): the child with a link
 * to the case, kind, source, when it came in, suspected abuse and whether it is assessed.
 * Unassessed rows are marked (warning colour) so they stand out. `headingId` names the
 * heading the caller shows above it.
 */
export function NotificationTable({
  items,
  headingId,
  caption,
}: {
  items: NotificationLine[];
  headingId: string;
  caption: string;
}) {
  return (
    <>
      <p className="news-summary">{unassessedSummary(items)}</p>
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={headingId}>
        <table className="table table--compact table-md-responsive-headers worklist-table news-table">
          <caption className="sr-only">
            {caption}, nyeste først: {items.length === 1 ? '1 modtaget' : `${formatNumber(items.length)} modtaget`}
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

/**
 * Remove a completed (or cancelled) activity from the lists and count it off its case; when it
 * was a notification's 24-hour assessment (or the answer to a henvendelse), that notification
 * is now assessed.
 */
function withoutActivity(data: WorklistData, done: ActivityRead): WorklistData {
  const drop = (list: ActivityRead[]) => list.filter((a) => a.id !== done.id);
  const assesses = done.rule_id != null && ASSESSMENT_RULES.has(done.rule_id) && done.concerns_id;
  return {
    ...data,
    new_notifications: assesses
      ? data.new_notifications?.map((n) => (n.id === done.concerns_id ? { ...n, assessed: true } : n))
      : data.new_notifications,
    overdue: drop(data.overdue),
    this_week: drop(data.this_week),
    later: drop(data.later),
    without_deadline: drop(data.without_deadline),
    cases: data.cases.map((c) =>
      c.id === done.hovedsag_id
        ? {
            ...c,
            open_activities: Math.max(0, c.open_activities - 1),
            overdue_activities: done.overdue ? Math.max(0, c.overdue_activities - 1) : c.overdue_activities,
          }
        : c,
    ),
  };
}

function ActivityTable({
  group,
  items,
  childOf,
  busy,
  onComplete,
  onFailed,
  cancelling,
  onToggleCancel,
  renderCancel,
  canWrite,
}: {
  group: (typeof GROUPS)[number];
  items: ActivityRead[];
  childOf: Map<string, string>;
  busy: string | null;
  onComplete: (a: ActivityRead) => void;
  onFailed: (a: ActivityRead, message: string, conflict: boolean) => void;
  cancelling: string | null;
  onToggleCancel: (a: ActivityRead) => void;
  renderCancel: (a: ActivityRead) => ReactNode;
  canWrite: boolean;
}) {
  const headingId = `worklist-${group.key}`;
  const overdue = group.key === 'overdue';
  return (
    <section
      aria-labelledby={headingId}
      className={`worklist-group ${overdue && items.length > 0 ? 'worklist-overdue' : ''}`.trim()}
    >
      <h3 id={headingId} className="worklist-heading">
        {overdue && items.length > 0 ? <Icon name="error" className="worklist-icon" /> : null}
        {group.heading}
      </h3>
      {items.length === 0 ? (
        <p className="worklist-empty">{group.empty}</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={headingId}>
          <table className="table table--compact worklist-table">
            <caption className="sr-only">
              {group.heading}: {items.length === 1 ? '1 aktivitet' : `${formatNumber(items.length)} aktiviteter`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Aktivitet</th>
                <th scope="col">Barn</th>
                <th scope="col">Frist</th>
                <th scope="col">
                  <span className="sr-only">Handlinger</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <Fragment key={a.id}>
                  <tr>
                    <th scope="row">
                      {a.title}
                      <Basis text={a.basis} confirmed={a.basis_confirmed} />
                    </th>
                    <td>
                      <Link to={casePath(a.hovedsag_id, childOf.get(a.hovedsag_id))}>{a.child_name}</Link>
                    </td>
                    <td className={`worklist-due ${overdue ? 'worklist-due-overdue' : ''}`.trim()}>
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
                    <td>
                      {canWrite ? (
                      <div className="worklist-actions">
                        <CompleteActivity
                          activity={a}
                          caseHref={casePath(a.hovedsag_id, childOf.get(a.hovedsag_id))}
                          disabled={busy !== null}
                          onCompleted={() => onComplete(a)}
                          onFailed={(message, conflict) => onFailed(a, message, conflict)}
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
                      ) : null}
                    </td>
                  </tr>
                  {cancelling === a.id ? (
                    <tr className="worklist-cancel-row">
                      <td colSpan={4}>{renderCancel(a)}</td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The caseworker's open activities grouped by deadline, and their cases. */
export function Worklist({ canWrite = true }: { canWrite?: boolean }) {
  const [worklist, reload, update] = useApiQuery(['worklist'], (signal) => call(api.GET('/api/worklist', { signal })));
  // Completing is CompleteActivity's own save (its busy state); nothing here waits on one.
  const busy: string | null = null;
  const [done, setDone] = useState<Done | undefined>();
  const [failure, setFailure] = useState<Failure | undefined>();
  const [cancelling, setCancelling] = useState<string | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);

  const focusStatus = () => requestAnimationFrame(() => statusRef.current?.focus());

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
    update((data) => withoutActivity(data, a));
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
    update((data) => withoutActivity(data, a));
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
    reload();
  };

  let activities;
  let news;
  let cases;
  if (worklist.state === 'loading') {
    activities = <Loading text="Henter dine aktiviteter …" />;
    news = <Loading text="Henter nye underretninger …" />;
    cases = <Loading text="Henter dine sager …" />;
  } else if (worklist.state === 'error') {
    activities = (
      <Alert
        variant="error"
        heading={worklist.status === 403 ? 'Du har ikke adgang til aktiviteterne' : 'Dine aktiviteter kunne ikke hentes'}
        action={
          worklist.status === 403 ? null : (
            <button type="button" className="button button-secondary" onClick={refresh}>
              Prøv igen
            </button>
          )
        }
      >
        <p>{worklist.message}</p>
      </Alert>
    );
    news = <p className="empty-state">Nye underretninger kunne ikke hentes.</p>;
    cases = <p className="empty-state">Dine sager kunne ikke hentes.</p>;
  } else {
    const w = worklist.data;
    const childOf = new Map(w.cases.map((c) => [c.id, c.child_id]));
    const total = w.overdue.length + w.this_week.length + w.later.length + w.without_deadline.length;
    activities =
      total === 0 ? (
        <p className="empty-state">Du har ingen åbne aktiviteter</p>
      ) : (
        GROUPS.map((g) => (
          <ActivityTable
            key={g.key}
            group={g}
            items={w[g.key]}
            childOf={childOf}
            busy={busy}
            onComplete={complete}
            onFailed={completeFailed}
            cancelling={cancelling}
            onToggleCancel={toggleCancel}
            canWrite={canWrite}
            renderCancel={(a) => (
              <CancelForm
                key={a.id}
                activity={a}
                onCancelled={cancelled}
                onConflict={cancelConflict}
                onClose={() => closeCancel(a)}
              />
            )}
          />
        ))
      );
    const notifications = w.new_notifications ?? [];
    news =
      notifications.length === 0 ? (
        <p className="empty-state">Ingen nye underretninger de sidste 14 dage</p>
      ) : (
        <NotificationTable items={notifications} headingId="my-news-heading" caption="Nye underretninger" />
      );
    cases =
      w.cases.length === 0 ? (
        <p className="empty-state">Du har ingen åbne sager</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="my-cases-heading">
          <table className="table table--compact">
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
              {w.cases.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={casePath(c.id, c.child_id)}>{c.child_name}</Link>
                  </th>
                  <td className="num">{formatAge(c.age)}</td>
                  <td>{stageLabel(c.stage)}</td>
                  <td>
                    <time dateTime={c.opened_at}>{formatDate(c.opened_at)}</time>
                  </td>
                  <td className="num">{formatNumber(c.open_activities)}</td>
                  <td className={`num ${c.overdue_activities > 0 ? 'worklist-due-overdue' : ''}`.trim()}>
                    {formatNumber(c.overdue_activities)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }

  return (
    <>
      <OfflinePanel />
      <section aria-labelledby="my-activities-heading" aria-busy={worklist.state === 'loading'} className="worklist">
        <h2 id="my-activities-heading">Mine aktiviteter</h2>
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
      <section aria-labelledby="my-news-heading" aria-busy={worklist.state === 'loading'} className="worklist-news">
        <h2 id="my-news-heading">Nye underretninger</h2>
        <p className="news-intro">Underretninger, henvendelser og ansøgninger på dine sager de sidste 14 dage.</p>
        {news}
      </section>
      <section aria-labelledby="my-cases-heading" aria-busy={worklist.state === 'loading'} className="my-cases">
        <h2 id="my-cases-heading">Mine sager</h2>
        {cases}
      </section>
    </>
  );
}
