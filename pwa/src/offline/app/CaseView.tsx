// /offline/sager/<id>: one saved case – the child, the network with contact details, open
// activities, the plan's goals and the latest journal entries, with what waits to be sent.
import { useState } from 'react';
import { relationLabel, stageLabel } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { FormDialog } from '../../components/FormDialog';
import { addressText, formatAge, formatDate, formatDeadline, formatNumber } from '../../format';
import { RecordForm, recordText, type CompletionRecord } from '../../pages/sag/CompleteActivityForm';
import { Link } from '../../router';
import * as store from '../store';
import { queue } from '../sync';
import { changes, NotSynced, useOffline } from '../ui';
import { ContactForm } from './ContactForm';
import { NoteForm } from './NoteForm';
import { useVault } from './useVault';

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export function OfflineCaseView({ caseId }: { caseId: string }) {
  const snap = useOffline();
  const data = useVault(async () => ({ c: await store.getCase(caseId), ops: await store.outbox() }), [caseId]);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | undefined>();
  // The activity whose completion form is open (a record written on the home visit).
  const [recording, setRecording] = useState<store.Activity | null>(null);
  const [recordErrors, setRecordErrors] = useState<Record<string, string>>({});
  const [recordFailure, setRecordFailure] = useState<string | undefined>();

  if (data.state === 'loading') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Åbner sagen …" />
      </div>
    );
  }
  if (data.state === 'error' || !data.data.c) {
    return (
      <>
        <PageHeading>Sagen er ikke gemt på enheden</PageHeading>
        <Alert variant="error" heading="Sagen kan ikke vises offline">
          <p>
            {data.state === 'error'
              ? data.message
              : snap.device?.expiredAt
                ? `Offline-data er slettet, fordi enheden har været uden forbindelse til Trekant i mere end ${snap.device.maxOfflineDays} dage. Det, du har skrevet, sendes, når du er online.`
                : 'Sagen er ikke blandt dem, der er gemt til hjemmebesøg. Åbn den, når du har forbindelse.'}
          </p>
        </Alert>
        <p>
          <Link to="/offline">Tilbage til arbejdslisten</Link>
        </p>
      </>
    );
  }
  const c = data.data.c;
  const pending = store.pendingFor(data.data.ops, caseId);
  const name = `${c.child.first_name} ${c.child.last_name}`.trim();
  const knownCircles = ['forældre', 'primært', 'sekundært', 'professionelt'];
  const circleLabel: Record<string, string> = {
    forældre: 'Forældre og forældremyndighed',
    primært: 'Primært netværk',
    sekundært: 'Sekundært netværk',
    professionelt: 'Fagpersoner',
  };
  const groups = [...knownCircles, 'andet']
    .map((k) => ({
      key: k,
      items: c.network.filter((m) => (k === 'andet' ? !knownCircles.includes(m.circle) : m.circle === k)),
    }))
    .filter((g) => g.items.length > 0);

  const complete = async (a: store.Activity, record?: CompletionRecord) => {
    const form = a.form ?? undefined;
    await queue({
      kind: 'complete',
      caseId,
      childName: name,
      activityId: a.id,
      version: a.version,
      title: a.title,
      ...(form && record ? { record, recordTitle: form.title, recordText: recordText(form, record) } : {}),
    });
    setNotice(`${form && record ? form.title : a.title} er ${form && record ? 'gemt' : 'markeret som udført'} på enheden`);
  };

  return (
    <>
      <PageHeading>{name}</PageHeading>
      <p className="case-shortcuts">
        <Link to="/offline">Tilbage til arbejdslisten</Link>
      </p>
      <div role="status" className="case-outcome">
        {notice ? <Alert variant="success" heading={notice} role="note" /> : null}
      </div>
      <dl className="case-facts">
        <div>
          <dt>{c.child.unborn ? 'Termin' : 'Født'}</dt>
          <dd>
            {c.child.unborn && c.child.expected_date
              ? formatDate(c.child.expected_date)
              : `${formatDate(c.child.birth_date)} (${formatAge(c.child.age)})`}
          </dd>
        </div>
        <div>
          <dt>Adresse</dt>
          <dd>{addressText(c.child.address, c.child.address_protected)}</dd>
        </div>
        <div>
          <dt>Fase</dt>
          <dd>{c.stage_label || stageLabel(c.stage)}</dd>
        </div>
        <div>
          <dt>Åbnet</dt>
          <dd>{formatDate(c.opened_at)}</dd>
        </div>
        <div>
          <dt>Sagsbehandler</dt>
          <dd>{c.caseworker ?? 'Ikke fordelt'}</dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd>{c.team ?? 'Intet team'}</dd>
        </div>
      </dl>

      <section aria-labelledby="offline-network-heading" className="case-section">
        <h2 id="offline-network-heading">Netværk</h2>
        {groups.length === 0 ? <p className="empty-state">Der er ingen personer i netværket.</p> : null}
        {groups.map((g) => (
          <div key={g.key} className="network-circle">
            <h3 id={`offline-circle-${g.key}`}>{circleLabel[g.key] ?? 'Andre'}</h3>
            <ul className="network-list" aria-labelledby={`offline-circle-${g.key}`}>
              {g.items.map((m) => {
                const op = pending.contacts.get(m.id);
                const phone = op ? op.phone : m.phone;
                const email = op ? op.email : m.email;
                return (
                  <li key={m.id} className={op ? 'offline-pending' : undefined}>
                    <h4 className="h5 network-name">
                      {m.name}
                      {op ? <NotSynced conflict={op.state !== 'pending'} /> : null}
                    </h4>
                    <p className="network-meta">
                      {relationLabel(m.relation)}
                      {m.custody ? (
                        <>
                          {' '}
                          <span className="badge badge-info">Forældremyndighed</span>
                        </>
                      ) : null}
                      {m.address_protected ? (
                        <>
                          {' '}
                          <span className="badge badge-warning">Adressebeskyttet</span>
                        </>
                      ) : null}
                    </p>
                    {m.organisation ? <p className="network-line">{m.organisation}</p> : null}
                    {phone || email ? (
                      <ul className="nobullet-list network-contact">
                        {phone ? (
                          <li>
                            <a href={telHref(phone)} aria-label={`Ring til ${m.name} på ${phone}`}>
                              {phone}
                            </a>
                          </li>
                        ) : null}
                        {email ? (
                          <li>
                            <a href={`mailto:${email}`} className="break">
                              {email}
                            </a>
                          </li>
                        ) : null}
                      </ul>
                    ) : (
                      <p className="network-line">Ingen kontaktoplysninger</p>
                    )}
                    {m.note ? <p className="network-line network-note">{m.note}</p> : null}
                    {editing === m.id ? (
                      <ContactForm
                        member={m}
                        caseId={caseId}
                        childName={name}
                        pending={op}
                        onDone={(saved) => {
                          setEditing(null);
                          if (saved) setNotice(`Kontaktoplysningerne for ${m.name} er rettet på enheden`);
                          requestAnimationFrame(() => document.getElementById(`contact-edit-${m.id}`)?.focus());
                        }}
                      />
                    ) : op && op.state !== 'pending' ? (
                      <Link to="/offline/synkronisering">Løs konflikten</Link>
                    ) : (
                      <button
                        id={`contact-edit-${m.id}`}
                        type="button"
                        className="button button-tertiary button-small"
                        aria-label={`Ret kontaktoplysninger for ${m.name}`}
                        onClick={() => setEditing(m.id)}
                      >
                        Ret kontaktoplysninger
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </section>

      <section aria-labelledby="offline-activities-heading" className="case-section">
        <h2 id="offline-activities-heading">Åbne aktiviteter</h2>
        {c.activities.length === 0 ? (
          <p className="empty-state">Der er ingen åbne aktiviteter på sagen.</p>
        ) : (
          <ul className="offline-list">
            {c.activities.map((a) => {
              const op = pending.completes.get(a.id);
              return (
                <li key={a.id} className={op ? 'offline-pending' : undefined}>
                  <p className="network-name">
                    <strong>{a.title}</strong>
                    {op ? <NotSynced conflict={op.state !== 'pending'} /> : null}
                  </p>
                  <p className={`network-line ${a.overdue ? 'worklist-due-overdue' : ''}`.trim()}>
                    {a.due_at ? (
                      <>
                        Frist <time dateTime={a.due_at}>{formatDeadline(a.due_at)}</time>
                        {a.overdue ? ' (overskredet)' : ''}
                      </>
                    ) : (
                      'Ingen frist'
                    )}
                  </p>
                  {a.basis ? <p className="cell-note">{a.basis}</p> : null}
                  {op ? (
                    <p className="network-line">
                      {op.state === 'pending' ? 'Markeret som udført på enheden.' : <Link to="/offline/synkronisering">Løs konflikten</Link>}
                    </p>
                  ) : a.completion === 'record' && a.form && !a.form.fields.some((f) => f.kind === 'user') ? (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={`${a.form.action}: ${a.title}`}
                      aria-haspopup="dialog"
                      onClick={() => {
                        setRecordErrors({});
                        setRecordFailure(undefined);
                        setRecording(a);
                      }}
                    >
                      {a.form.action}
                    </button>
                  ) : a.completion === 'record' || // a form that picks a colleague (§ 137): online only
                    a.completion === 'investigation' ||
                    a.completion === 'step' ||
                    a.completion === 'plan' ||
                    a.completion === 'klage' ||
                    a.completion === 'udvalg' ||
                    a.completion === 'indberetning' ||
                    a.completion === 'brev' ? ( // the letter is written and sent online
                    <p className="network-line">Registreres på sagen i Trekant, når du er online.</p>
                  ) : (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={`Markér som udført: ${a.title}`}
                      onClick={() => void complete(a)}
                    >
                      Markér som udført
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      {recording?.form ? (
        <FormDialog title={recording.form.title} subtitle={`${name}: ${recording.title}`} onClose={() => setRecording(null)}>
          <RecordForm
            form={recording.form}
            idPrefix={`offline-record-${recording.id}`}
            busy={false}
            general={recordFailure}
            errors={recordErrors}
            setErrors={setRecordErrors}
            saveLabel="Gem og markér som udført"
            note={<p className="form-hint">Gemmes krypteret på enheden og sendes til sagen, når du er online.</p>}
            onCancel={() => setRecording(null)}
            onSave={(record) => {
              // The dialog closes only once the record is in the device's outbox: a failure
              // (the app locked meanwhile) keeps what was written on screen.
              complete(recording, record).then(
                () => setRecording(null),
                (err: unknown) =>
                  setRecordFailure(
                    `Registreringen kunne ikke gemmes på enheden (${err instanceof Error ? err.message : 'ukendt fejl'}). Prøv igen.`,
                  ),
              );
            }}
          />
        </FormDialog>
      ) : null}

      <section aria-labelledby="offline-plan-heading" className="case-section">
        <h2 id="offline-plan-heading">Mål i barnets plan</h2>
        {!c.plan || c.plan.goals.length === 0 ? (
          <p className="empty-state">Der er ingen plan med mål på sagen endnu.</p>
        ) : (
          <>
            <p className="offline-goal-meta">
              Version {c.plan.version_no}
              {c.plan.status === 'godkendt' ? ' (godkendt)' : ' (under udarbejdelse)'}
            </p>
            <ul className="offline-list">
              {c.plan.goals.map((g) => (
                <li key={g.id || g.goal}>
                  <p className="network-name">
                    <strong>{g.goal || 'Mål uden tekst'}</strong>
                  </p>
                  {g.measurable ? <p className="network-line">Sådan ved vi, at målet er nået: {g.measurable}</p> : null}
                  <p className="offline-goal-meta">
                    {[g.responsible ? `Ansvarlig: ${g.responsible}` : '', g.due ? `Frist: ${formatDate(g.due)}` : '']
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="offline-journal-heading" className="case-section journal">
        <h2 id="offline-journal-heading">Journal</h2>
        <NoteForm
          caseId={caseId}
          childName={name}
          waiting={new Set(pending.notes.map((n) => n.id))}
          onQueued={() => setNotice(undefined)}
        />
        <h3 id="offline-entries-heading">Indlæg</h3>
        <p className="audit-count">
          {pending.notes.length > 0 ? `${changes(pending.notes.length)} ikke synkroniseret. ` : ''}
          De seneste {formatNumber(c.journal.length)} af {formatNumber(c.journal_total)} indlæg er gemt på enheden.
        </p>
        <ol className="journal-list" aria-labelledby="offline-entries-heading">
          {[...pending.notes].reverse().map((n) => (
            <li key={n.id} className="journal-entry offline-pending">
              <p className="journal-meta">
                <span className="badge badge-info">Notat</span> <time dateTime={n.createdAt}>{formatDeadline(n.createdAt)}</time>
                <NotSynced conflict={n.state !== 'pending'} />
              </p>
              <h4 className="h5 journal-title">{n.title}</h4>
              {n.body ? <p className="journal-body">{n.body}</p> : null}
            </li>
          ))}
          {c.journal.map((e) => (
            <li key={e.id} className={`journal-entry journal-${e.kind}`}>
              <p className="journal-meta">
                <span className={`badge ${e.kind === 'notat' ? 'badge-info' : e.kind === 'rettelse' ? 'badge-warning' : 'badge-success'}`}>
                  {e.kind === 'notat' ? 'Notat' : e.kind === 'rettelse' ? 'Rettelse' : 'Hændelse'}
                </span>{' '}
                <time dateTime={e.at}>{formatDeadline(e.at)}</time> · {e.author}
              </p>
              <h4 className="h5 journal-title">{e.title}</h4>
              {e.corrects_id !== null ? (
                <p className="journal-ref">
                  Retter{' '}
                  {(() => {
                    const target = c.journal.find((x) => x.id === e.corrects_id);
                    return target ? `notatet „${target.title}“` : 'et tidligere notat';
                  })()}
                </p>
              ) : null}
              {e.body ? <p className="journal-body">{e.body}</p> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
