// The case's Overblik (/sager/<id>): what is due on the case (open activities with a deadline,
// overdue first, each with its action), what happened lately (the journal's last five
// entries), the few facts, and the forms a caseworker starts here — each opens in a dialog.
import { useState } from 'react';
import { can, type ActivityRead } from '../../api/client';
import { journalKindLabel, setFlash } from '../../casework';
import { Basis } from '../../components/Basis';
import { Loading } from '../../components/Loading';
import { addressText, formatDate, formatDeadline, plural } from '../../format';
import { Link, navigate } from '../../router';
import { NO_FILTER } from '../JournalFilter';
import { ActivityAction } from './ActivityAction';
import { IndgaaetPost } from './dokumenter/IndgaaetPost';
import { BIRTH_DONE, FoedselForm } from './FoedselForm';
import { Fordeling } from './Fordeling';
import { placePath, useCaseContext } from './places';
import { dueText } from './process';
import { failureOf, useJournal } from './queries';
import { OwnActivityButtons } from './EgenAktivitet';
import { DialogButton, OutcomeAlert, type Outcome } from './shared';
import { UndersoegelseForm } from './UndersoegelseForm';
import { AfdaekningForm } from './Front';
import { UnderretningForm } from './UnderretningForm';

/** Overdue first (the oldest first), then "snarest muligt", then by deadline. */
function byUrgency(a: ActivityRead, b: ActivityRead): number {
  const rank = (x: ActivityRead) => (x.overdue ? 0 : x.due_asap ? 1 : 2);
  const due = (x: ActivityRead) => (x.due_at ? Date.parse(x.due_at) : Infinity);
  return rank(a) - rank(b) || due(a) - due(b);
}

function Due({ canWrite, onDone }: { canWrite: boolean; onDone: (o: Outcome) => void }) {
  const { hovedsag: k } = useCaseContext();
  const open = k.activities.filter((a) => a.status === 'open');
  const due = open.filter((a) => a.due_at || a.due_asap).sort(byUrgency);
  const undated = open.length - due.length;
  return (
    <section aria-labelledby="due-heading" className="case-section overview-due">
      <h3 id="due-heading">Det skal gøres</h3>
      {canWrite ? (
        <div className="own-activity-actions">
          <OwnActivityButtons
            caseId={k.id}
            childName={k.child_name.trim() || 'Ufødt barn'}
            enkeltsager={k.enkeltsager}
            onDone={onDone}
          />
        </div>
      ) : null}
      {due.length === 0 ? (
        <p className="empty-state">Ingen åbne aktiviteter med frist på sagen.</p>
      ) : (
        <ul className="process-list overview-list" aria-labelledby="due-heading">
          {due.map((a) => (
            <li key={a.id} className="overview-item">
              <div>
                <p className="process-item-title">{a.title}</p>
                <p className="process-meta">
                  {a.overdue ? <span className="badge badge-error">Overskredet</span> : null}{' '}
                  {a.due_asap ? (
                    <span className="due-asap">Snarest muligt</span>
                  ) : a.due_at ? (
                    <>
                      Frist <time dateTime={a.due_at}>{dueText(a).replace(/^frist /, '')}</time>
                    </>
                  ) : null}
                </p>
                {a.due_reason ? (
                  <p className="process-note">{a.due_asap ? `Fordi ${a.due_reason}` : a.due_reason}</p>
                ) : null}
                <Basis text={a.basis} confirmed={a.basis_confirmed} as="p" className="process-note" />
                {a.description ? <p className="process-note">{a.description}</p> : null}
                {a.plan_name ? <p className="process-note">Fra aktivitetsplanen »{a.plan_name}«</p> : null}
              </div>
              {canWrite ? <ActivityAction activity={a} onDone={(heading) => onDone({ heading })} /> : null}
            </li>
          ))}
        </ul>
      )}
      {undated > 0 ? (
        <p className="overview-more">
          {plural(undated, 'Én aktivitet', `${undated} aktiviteter`)} uden fast frist –{' '}
          <Link to={placePath(k.id, 'forloeb')}>se Forløb</Link>
        </p>
      ) : null}
    </section>
  );
}

function Recent() {
  const { hovedsag: k } = useCaseContext();
  const journal = useJournal(k.id, NO_FILTER, 1, 5);
  let body;
  if (journal.isPending) body = <Loading text="Henter journalen …" />;
  else if (journal.isError)
    body = (
      <p className="form-error-message" role="alert">
        Journalen kunne ikke hentes: {failureOf(journal.error).message}{' '}
        <button type="button" className="button button-tertiary button-small" onClick={() => void journal.refetch()}>
          Prøv igen
        </button>
      </p>
    );
  else if (journal.data.items.length === 0) body = <p className="empty-state">Der er ingen indlæg i journalen endnu.</p>;
  else
    body = (
      <ol className="overview-journal">
        {journal.data.items.map((e) => (
          <li key={e.id}>
            <p className="journal-meta">
              <time dateTime={e.at}>{formatDeadline(e.at)}</time> · {journalKindLabel(e.kind)} · {e.author_name}
            </p>
            <p className="overview-journal-title">{e.title}</p>
          </li>
        ))}
      </ol>
    );
  return (
    <section aria-labelledby="recent-heading" className="case-section overview-recent">
      <h3 id="recent-heading">Seneste i journalen</h3>
      {body}
      <p>
        <Link to={placePath(k.id, 'journal')}>Hele journalen</Link>
      </p>
    </section>
  );
}

export function Overblik() {
  const { hovedsag: k, session, canWrite, refresh } = useCaseContext();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const closed = !!k.closed_at;
  const canAssign = canWrite && can(session, 'team.overview');
  const name = k.child_name.trim() || 'Ufødt barn';
  const done = (close: () => void) => (o: Outcome) => {
    close();
    setOutcome(o);
    refresh();
  };
  // An afdækning (§ 19) starts while none runs and no investigation examines the child.
  const clarifying = k.enkeltsager.some(
    (e) => !e.closed_at && (e.kind === 'afdaekning' || e.kind === 'undersoegelse'),
  );
  const actions = [
    canWrite && !closed ? (
      <DialogButton key="u" label="Registrér underretning" variant="primary">
        {(close) => (
          <UnderretningForm caseId={k.id} childName={name} onRegistered={done(close)} onClose={close} />
        )}
      </DialogButton>
    ) : null,
    canWrite && !closed && !clarifying ? (
      <DialogButton key="afd" label="Start afdækning">
        {(close) => <AfdaekningForm caseId={k.id} childName={name} onStarted={done(close)} onClose={close} />}
      </DialogButton>
    ) : null,
    canWrite && !closed ? (
      <DialogButton key="i" label="Start børnefaglig undersøgelse">
        {(close) => <UndersoegelseForm caseId={k.id} childName={name} onStarted={done(close)} onClose={close} />}
      </DialogButton>
    ) : null,
    canWrite && k.unborn ? (
      <DialogButton key="b" label="Registrér fødsel">
        {(close) => (
          <FoedselForm
            childId={k.child_id}
            onClose={close}
            onRegistered={(result) => {
              const newCase = result.hovedsag_id || k.id;
              if (newCase !== k.id) {
                // The case now lives under another id: open it there.
                setFlash({ variant: 'success', heading: BIRTH_DONE });
                navigate(placePath(newCase, ''), true);
                return;
              }
              done(close)({ heading: BIRTH_DONE });
            }}
          />
        )}
      </DialogButton>
    ) : null,
    canAssign ? (
      <DialogButton key="a" label="Fordel sagen">
        {(close) => (
          <Fordeling
            caseId={k.id}
            hovedsag={k}
            onAssigned={done(close)}
            onChanged={refresh}
            onReload={refresh}
            onClose={close}
          />
        )}
      </DialogButton>
    ) : null,
  ].filter(Boolean);

  return (
    <section aria-labelledby="overblik-heading">
      <h2 id="overblik-heading" className="sr-only">
        Overblik
      </h2>
      {actions.length > 0 ? <div className="case-actions">{actions}</div> : null}
      <OutcomeAlert outcome={outcome} />
      <div className="overview-grid">
        <IndgaaetPost caseId={k.id} canWrite={canWrite && !closed} level={3} />
        <Due
          canWrite={canWrite && !closed}
          onDone={(o) => {
            setOutcome(o);
            refresh();
          }}
        />
        <Recent />
        <section aria-labelledby="facts-heading" className="case-section overview-facts">
          <h3 id="facts-heading">Om sagen</h3>
          <dl className="case-facts">
            <div>
              <dt>Adresse</dt>
              <dd>{addressText(k.address, k.address_protected)}</dd>
            </div>
            <div>
              <dt>Åbnet</dt>
              <dd>
                <time dateTime={k.opened_at}>{formatDate(k.opened_at)}</time>
              </dd>
            </div>
            <div>
              <dt>
                Medbehandlere<span className="sr-only">: </span>
              </dt>
              <dd>{k.workers && k.workers.length > 0 ? k.workers.map((w) => w.display_name).join(', ') : 'Ingen'}</dd>
            </div>
          </dl>
        </section>
      </div>
    </section>
  );
}
