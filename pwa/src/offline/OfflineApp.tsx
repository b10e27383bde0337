// The offline screens (/offline, /offline/sager/<id>, /offline/synkronisering): the saved
// worklist, a case (child, network with contact details, open activities, plan goals,
// latest journal entries, notes), and the changes waiting to be sent or resolved.
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { relationLabel, stageLabel } from '../casework';
import { Alert } from '../components/Alert';
import { ErrorSummary, TextArea, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatAge, formatDate, formatDeadline, formatNumber } from '../format';
import { Link, navigate } from '../router';
import * as store from './store';
import { download, keepServer, queue, retryCompletion, retryOp, syncNow } from './sync';
import { cases, changes, DownloadProgress, formatBytes, NotSynced, UnlockForm, useOffline } from './ui';
import * as vault from './vault';

const CASE = /^\/offline\/sager\/([0-9a-f-]{36})\/?$/i;

export function isOfflinePath(path: string): boolean {
  return path === '/offline' || path.startsWith('/offline/');
}

/** Where an online address leads offline: a case page to the saved case. */
export function offlinePathFor(path: string): string {
  const m = /^\/sager\/([0-9a-f-]{36})\/?$/i.exec(path);
  return m ? `/offline/sager/${m[1]}` : '/offline';
}

type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; message: string };

/** Read from the vault; re-read whenever stored data change (revision), keeping the last view. */
function useVault<T>(read: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const snap = useOffline();
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (snap.status !== 'unlocked') return;
    let live = true;
    read().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) => live && setValue({ state: 'error', message: err instanceof Error ? err.message : 'Ukendt fejl' }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [snap.status, snap.revision, ...deps]);
  return value;
}

// ---------------------------------------------------------------- the frame

function OfflineNav({ path }: { path: string }) {
  const snap = useOffline();
  const waiting = (snap.device?.pending ?? 0) + (snap.device?.conflicts ?? 0);
  return (
    <nav aria-label="Hjemmebesøg">
      <ul className="offline-nav">
        <li>
          <Link to="/offline" aria-current={path === '/offline' ? 'page' : undefined}>
            Arbejdsliste
          </Link>
        </li>
        <li>
          <Link to="/offline/synkronisering" aria-current={path === '/offline/synkronisering' ? 'page' : undefined}>
            Synkronisering{waiting > 0 ? ` (${formatNumber(waiting)})` : ''}
          </Link>
        </li>
        {snap.online && !snap.sync.offline ? (
          <li>
            {/* A full page load: the online app fetches the session afresh. */}
            <a href="/">Til forsiden</a>
          </li>
        ) : null}
        <li>
          <button type="button" className="button button-tertiary button-small" onClick={() => void vault.lock()}>
            Lås offline-data
          </button>
        </li>
      </ul>
    </nav>
  );
}

export function OfflineApp({ path }: { path: string }) {
  const snap = useOffline();
  useEffect(() => {
    void vault.start();
  }, []);

  if (snap.status === 'starting') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Åbner offline-data …" />
      </div>
    );
  }
  if (snap.status === 'none') {
    return (
      <>
        <PageHeading>Hjemmebesøg</PageHeading>
        {snap.wiped ? <Alert variant="info" heading={snap.wiped} /> : null}
        <p className="empty-state">Der er ingen offline-data på denne enhed.</p>
        <p>
          Når du har forbindelse, kan du gemme dine sager til hjemmebesøg fra <Link to="/">forsiden</Link>.
        </p>
      </>
    );
  }
  if (snap.status === 'locked') {
    return (
      <>
        <PageHeading>Lås offline-data op</PageHeading>
        <p>Sagerne på enheden er krypteret. Skriv din adgangsfrase til offline-brug for at åbne dem.</p>
        <UnlockForm autoFocus />
      </>
    );
  }
  const m = CASE.exec(path);
  let page: ReactNode;
  if (m) page = <OfflineCaseView key={m[1]} caseId={m[1] ?? ''} />;
  else if (path === '/offline/synkronisering' || path === '/offline/synkronisering/') page = <SyncCenter />;
  else page = <OfflineWorklist />;
  return (
    <>
      <OfflineNav path={path} />
      {page}
    </>
  );
}

// ---------------------------------------------------------------- the worklist

function OfflineWorklist() {
  const snap = useOffline();
  const data = useVault(async () => ({ manifest: await store.getManifest(), ops: await store.outbox() }), []);
  const d = snap.device;
  const [startedAt] = useState(() => performance.now());

  useEffect(() => {
    if (data.state === 'ready') {
      performance.mark?.('trekant-offline-worklist');
      document.documentElement.dataset.offlineWorklistMs = String(Math.round(performance.now() - startedAt));
    }
  }, [data.state, startedAt]);

  let body: ReactNode;
  if (data.state === 'loading') body = <Loading text="Åbner arbejdslisten …" />;
  else if (data.state === 'error')
    body = (
      <Alert variant="error" heading="Arbejdslisten kunne ikke åbnes">
        <p>{data.message}</p>
      </Alert>
    );
  else if (!data.data.manifest || data.data.manifest.cases.length === 0) {
    body = (
      <>
        {d?.expiredAt ? (
          <Alert variant="warning" heading="Offline-data er slettet">
            <p>
              Enheden har været uden forbindelse til Trekant i mere end {d.maxOfflineDays} dage, så sagerne er slettet fra
              den. Ændringer, du har skrevet, er gemt og sendes, når du er online og logget ind.
            </p>
          </Alert>
        ) : null}
        <p className="empty-state">Der er ingen sager gemt til hjemmebesøg.</p>
        {snap.online ? (
          <button type="button" className="button button-secondary" onClick={() => void download().catch(() => undefined)}>
            Hent sagerne
          </button>
        ) : null}
      </>
    );
  } else {
    const { manifest, ops } = data.data;
    const perCase = new Map<string, number>();
    for (const o of ops) perCase.set(o.caseId, (perCase.get(o.caseId) ?? 0) + 1);
    body = (
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="offline-cases-heading">
        <table className="table table--compact">
          <caption className="sr-only">
            Sager til hjemmebesøg, de mest presserende først: {formatNumber(manifest.cases.length)}
          </caption>
          <thead>
            <tr>
              <th scope="col">Barn</th>
              <th scope="col" className="num">
                Alder
              </th>
              <th scope="col">Fase</th>
              <th scope="col">Næste frist</th>
              <th scope="col" className="num">
                Åbne aktiviteter
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {manifest.cases.map((c) => (
              <tr key={c.hovedsag_id}>
                <th scope="row">
                  <Link to={`/offline/sager/${c.hovedsag_id}`}>{c.child_name}</Link>
                  {c.chosen ? <span className="cell-note">Valgt til hjemmebesøg</span> : null}
                </th>
                <td className="num">{formatAge(c.age)}</td>
                <td>{c.stage_label || stageLabel(c.stage)}</td>
                <td className={c.overdue_activities > 0 ? 'worklist-due worklist-due-overdue' : 'worklist-due'}>
                  {c.next_due_at ? <time dateTime={c.next_due_at}>{formatDeadline(c.next_due_at)}</time> : 'Ingen frist'}
                  {c.overdue_activities > 0 ? (
                    <span className="cell-note">{formatNumber(c.overdue_activities)} overskredet</span>
                  ) : null}
                </td>
                <td className="num">{formatNumber(c.open_activities)}</td>
                <td>{perCase.get(c.hovedsag_id) ? <NotSynced /> : 'Gemt'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <>
      <PageHeading>Hjemmebesøg</PageHeading>
      <p className="offline-summary">
        {d?.savedAt
          ? `Gemt på enheden ${formatDeadline(d.savedAt)} · ${cases(d.cases)} · ${formatBytes(d.bytes)}. `
          : ''}
        {snap.online && !snap.sync.offline ? 'Du er online.' : 'Du er offline.'}
      </p>
      {snap.download ? <DownloadProgress download={snap.download} /> : null}
      <section aria-labelledby="offline-cases-heading" aria-busy={data.state === 'loading'}>
        <h2 id="offline-cases-heading">Mine sager</h2>
        {body}
      </section>
    </>
  );
}

// ---------------------------------------------------------------- one case

const PHONE = /^\+?[0-9 ]{8,16}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function ContactForm({
  member,
  onDone,
  childName,
  caseId,
  pending,
}: {
  member: store.Member;
  onDone: (saved: boolean) => void;
  childName: string;
  caseId: string;
  pending?: store.ContactOp;
}) {
  const [phone, setPhone] = useState(pending?.phone ?? member.phone ?? '');
  const [email, setEmail] = useState(pending?.email ?? member.email ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const phoneId = `contact-${member.id}-phone`;
  const emailId = `contact-${member.id}-email`;

  useEffect(() => {
    document.getElementById(phoneId)?.focus();
  }, [phoneId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (phone.trim() && !PHONE.test(phone.trim())) e.phone = 'Telefonnummeret skal have 8 cifre, evt. med +45';
    if (email.trim() && !EMAIL.test(email.trim())) e.email = 'E-mailadressen ser ikke rigtig ud';
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      const values = { phone: phone.trim() || null, email: email.trim() || null };
      if (pending && pending.state === 'pending' && pending.attempts === 0) {
        await store.replaceOp({ ...pending, ...values });
        void syncNow();
      } else {
        await queue({
          kind: 'contact',
          caseId,
          childName,
          memberId: member.id,
          name: member.name,
          // After a change still on its way, this one builds on it.
          version: pending ? pending.version + 1 : member.version,
          ...values,
          before: { phone: member.phone ?? null, email: member.email ?? null },
        });
      }
      onDone(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form case-form" aria-label={`Ret kontaktoplysninger for ${member.name}`}>
      <ErrorSummary
        errors={errors}
        fields={{ phone: [phoneId, 'Telefon'], email: [emailId, 'E-mail'] }}
      />
      <TextField id={phoneId} label="Telefon" type="tel" value={phone} onChange={setPhone} error={errors.phone} width="input-width-m" />
      <TextField id={emailId} label="E-mail" type="email" value={email} onChange={setEmail} error={errors.email} />
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" aria-disabled={busy || undefined}>
          Gem rettelse
        </button>
        <button type="button" className="button button-tertiary button-small" onClick={() => onDone(false)}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

function NoteForm({
  caseId,
  childName,
  waiting,
  onQueued,
}: {
  caseId: string;
  childName: string;
  /** Ids of this case's notes still in the outbox. */
  waiting: ReadonlySet<string>;
  onQueued: () => void;
}) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | undefined>();
  // The note the "saved" message is about: once it has left the outbox, the message
  // "… sendes, når der er forbindelse" is no longer true.
  // (Seen waiting in the outbox, or a sync finished after it was queued.)
  const { sync } = useOffline();
  const [savedOp, setSavedOp] = useState<{ id: string; at: string; seen: boolean } | null>(null);
  const inOutbox = savedOp !== null && waiting.has(savedOp.id);
  useEffect(() => {
    if (inOutbox) setSavedOp((o) => (o && !o.seen ? { ...o, seen: true } : o));
  }, [inOutbox]);
  const synced = savedOp !== null && !!sync.lastSyncAt && sync.lastSyncAt > savedOp.at;
  const sent = savedOp !== null && !inOutbox && (savedOp.seen || synced);
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const draft = useRef({ title: '', body: '' });
  const timer = useRef<number | undefined>(undefined);

  // A half-written note survives a lock, a reload and a closed tab (encrypted draft).
  useEffect(() => {
    let live = true;
    void store
      .getDraft(caseId)
      .then((d) => {
        if (live && d && !draft.current.title && !draft.current.body) {
          draft.current = d;
          setTitle(d.title);
          setBody(d.body);
        }
      })
      .catch(() => undefined);
    const off = vault.onBeforeLock(() => store.saveDraft(caseId, draft.current));
    return () => {
      live = false;
      off();
      window.clearTimeout(timer.current);
    };
  }, [caseId]);

  const change = (next: { title: string; body: string }) => {
    draft.current = next;
    setTitle(next.title);
    setBody(next.body);
    setSaved(undefined);
    setSavedOp(null);
    setErrors({});
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void store.saveDraft(caseId, draft.current).catch(() => undefined), 800);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const t = title.trim();
    const b = body;
    if (!t) {
      setErrors({ title: 'Skriv en overskrift' });
      requestAnimationFrame(() => document.getElementById('offline-note-title')?.focus());
      return;
    }
    // Empty the form at once: the next note can be written while this one is stored
    // (each submit queues exactly what it captured; nothing typed meanwhile is cleared).
    window.clearTimeout(timer.current);
    draft.current = { title: '', body: '' };
    setTitle('');
    setBody('');
    setFailure(undefined);
    setBusy(true);
    try {
      const at = new Date().toISOString();
      const op = await queue({ kind: 'note', caseId, childName, title: t, body: b });
      setSavedOp({ id: op.id, at, seen: false });
      setSaved('Notatet er gemt på enheden og sendes til Trekant, når der er forbindelse');
      onQueued();
    } catch (err) {
      if (!draft.current.title && !draft.current.body) {
        draft.current = { title: t, body: b };
        setTitle(t);
        setBody(b);
      }
      setFailure(err instanceof Error ? err.message : 'Notatet blev ikke gemt.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form note-form" aria-labelledby="offline-note-heading">
      <h3 id="offline-note-heading">Skriv notat</h3>
      <div role="status">
        {saved ? <Alert variant="success" heading={sent ? 'Notatet er sendt til Trekant' : saved} role="note" /> : null}
      </div>
      <ErrorSummary errors={errors} fields={{ title: ['offline-note-title', 'Overskrift'] }} />
      {failure ? (
        <Alert variant="error" heading="Notatet blev ikke gemt på enheden">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="offline-note-title"
        label="Overskrift"
        value={title}
        onChange={(v) => change({ title: v, body })}
        error={errors.title}
      />
      <TextArea id="offline-note-body" label="Notat" value={body} onChange={(v) => change({ title, body: v })} rows={6} />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Gem notat
      </button>
    </form>
  );
}

function OfflineCaseView({ caseId }: { caseId: string }) {
  const snap = useOffline();
  const data = useVault(async () => ({ c: await store.getCase(caseId), ops: await store.outbox() }), [caseId]);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | undefined>();

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

  const complete = async (a: store.Activity) => {
    await queue({ kind: 'complete', caseId, childName: name, activityId: a.id, version: a.version, title: a.title });
    setNotice(`${a.title} er markeret som udført på enheden`);
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
          <dd>{c.child.address || 'Ikke oplyst'}</dd>
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

// ---------------------------------------------------------------- sync and conflicts

function describe(op: store.Op): string {
  if (op.kind === 'note') return `Notat „${op.title}“`;
  if (op.kind === 'complete') return `${op.title} markeret som udført`;
  return `Kontaktoplysninger for ${op.name}`;
}

function Conflict({ op }: { op: store.Op }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [discarding, setDiscarding] = useState(false);
  const headingId = `conflict-${op.id}`;

  const run = useCallback(async (action: () => Promise<string | void>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      const text = await action();
      if (text) setMessage(text);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : 'Det lykkedes ikke.');
    } finally {
      setBusy(false);
    }
  }, []);

  const info = op.conflict;
  const isConflict = op.state === 'conflict';
  let actions: ReactNode;
  let compare: ReactNode = null;
  if (op.kind === 'contact' && isConflict) {
    compare = (
      <div className="offline-compare">
        <dl aria-label="Din rettelse">
          <dt>Din rettelse</dt>
          <dd>Telefon: {op.phone ?? '–'}</dd>
          <dd>E-mail: {op.email ?? '–'}</dd>
        </dl>
        <dl aria-label="I Trekant nu">
          <dt>
            I Trekant nu
            {info?.changedBy ? ` (ændret af ${info.changedBy}${info.changedAt ? ` ${formatDeadline(info.changedAt)}` : ''})` : ''}
          </dt>
          <dd>Telefon: {info?.current?.phone ?? '–'}</dd>
          <dd>E-mail: {info?.current?.email ?? '–'}</dd>
        </dl>
      </div>
    );
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => retryOp(op, info?.currentVersion))}
        >
          Brug min rettelse
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => keepServer(op))}
        >
          Behold Trekants
        </button>
      </>
    );
  } else if (op.kind === 'complete' && isConflict) {
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() =>
            void run(async () => {
              const r = await retryCompletion(op);
              if (r === 'already-closed') return 'Aktiviteten var allerede afsluttet i Trekant.';
              if (r === 'gone') return 'Aktiviteten findes ikke længere på sagen.';
            })
          }
        >
          Markér som udført igen
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => store.discardOp(op.id))}
        >
          Fortryd min markering
        </button>
      </>
    );
  } else {
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => retryOp(op))}
        >
          Send igen
        </button>
        {discarding ? (
          <>
            <button
              type="button"
              className="button button-secondary button-small"
              aria-describedby={headingId}
              onClick={() => void run(() => store.discardOp(op.id))}
            >
              Bekræft: kassér ændringen
            </button>
            <button type="button" className="button button-tertiary button-small" onClick={() => setDiscarding(false)}>
              Fortryd
            </button>
          </>
        ) : (
          <button type="button" className="button button-tertiary button-small" onClick={() => setDiscarding(true)}>
            Kassér ændringen
          </button>
        )}
      </>
    );
  }
  return (
    <li className="offline-conflict">
      <h3 id={headingId} className="h4">
        {describe(op)} – {op.childName}
      </h3>
      <p>{info?.message ?? op.lastError}</p>
      {op.kind === 'note' && op.body ? <p className="journal-body">{op.body}</p> : null}
      {compare}
      <div className="button-row">{actions}</div>
      <div role="status">{message ? <p>{message}</p> : null}</div>
    </li>
  );
}

function SyncCenter() {
  const snap = useOffline();
  const data = useVault(() => store.outbox(), []);
  const ops = data.state === 'ready' ? data.data : [];
  const waiting = ops.filter((o) => o.state === 'pending');
  const attention = ops.filter((o) => o.state !== 'pending');
  const offline = !snap.online || snap.sync.offline;
  return (
    <>
      <PageHeading>Synkronisering</PageHeading>
      <p className="offline-summary" role="status">
        {offline
          ? 'Du er offline. Ændringerne sendes, når forbindelsen er tilbage.'
          : snap.sync.needsLogin
            ? 'Din session er udløbet. Log ind igen, så sendes ændringerne.'
            : snap.sync.running
              ? 'Sender ændringer …'
              : snap.sync.lastSyncAt
                ? `Senest synkroniseret ${formatDeadline(snap.sync.lastSyncAt)}.`
                : 'Klar til at synkronisere.'}
      </p>
      {snap.sync.needsLogin && !offline ? (
        <p>
          <Link to="/" className="button button-secondary">
            Log ind igen
          </Link>
        </p>
      ) : null}
      <button
        type="button"
        className={`button button-primary ${snap.sync.running ? 'spinner-active' : ''}`.trim()}
        aria-disabled={snap.sync.running || undefined}
        onClick={() => void syncNow()}
      >
        Synkronisér nu
      </button>
      <section aria-labelledby="attention-heading" className="case-section">
        <h2 id="attention-heading">Kræver din stillingtagen</h2>
        {attention.length === 0 ? (
          <p className="empty-state">Ingen konflikter.</p>
        ) : (
          <ul className="offline-list">
            {attention.map((o) => (
              <Conflict key={o.id} op={o} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="waiting-heading" className="case-section">
        <h2 id="waiting-heading">Venter på at blive sendt</h2>
        {waiting.length === 0 ? (
          <p className="empty-state">Alt er sendt til Trekant.</p>
        ) : (
          <ul className="offline-list">
            {waiting.map((o) => (
              <li key={o.id}>
                <p className="network-name">
                  <strong>{describe(o)}</strong> – {o.childName} <NotSynced />
                </p>
                <p className="offline-goal-meta">
                  Skrevet {formatDeadline(o.createdAt)}
                  {o.attempts > 0 ? ` · ${formatNumber(o.attempts)} forsøg` : ''}
                  {o.lastError ? ` · ${o.lastError}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/**
 * Trekant could not reach the server at start. With offline data on the device, go to the
 * offline screens (a case page to the saved case); otherwise show `fallback`.
 */
export function OfflineFallback({ path, fallback }: { path: string; fallback: ReactNode }) {
  const snap = useOffline();
  const has = snap.status === 'locked' || snap.status === 'unlocked';
  useEffect(() => {
    void vault.start();
  }, []);
  useEffect(() => {
    if (has) navigate(offlinePathFor(path), true);
  }, [has, path]);
  if (snap.status === 'starting') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter …" />
      </div>
    );
  }
  return has ? null : <>{fallback}</>;
}
