// Administration › Statistik: the kommune's delivery to Danmarks Statistik of children and
// young people with measures (placements and preventive measures) and of notifications.
// "Kontrollér" shows what is due and every record that cannot be sent, with its case;
// "Send til Danmarks Statistik" (after a confirm dialog) makes the delivery and a job sends
// it; the history shows each delivery's receipt, and DST's rejected records lead to their
// cases (GET /api/statistics/dst, POST …/check, POST …/deliveries).
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Loading } from '../../components/Loading';
import { formatAge, formatDate, formatDateTime, plural } from '../../format';
import { useSubmit } from '../../mutation';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';

type Check = components['schemas']['DstCheck'];
type Case = components['schemas']['DstCase'];
type Delivery = components['schemas']['DstDelivery'];
type Overview = components['schemas']['DstOverview'];

const STATUS: Record<Delivery['status'], string> = {
  klar: 'Sendes nu',
  sendt: 'Sendt, venter på kvittering',
  modtaget: 'Modtaget',
  afvist_delvist: 'Modtaget, nogle poster afvist',
  afvist: 'Afvist',
};
const KIND: Record<Check['issues'][number]['kind'], string> = {
  foranstaltning: 'Foranstaltning',
  underretning: 'Underretning',
};

/** "2026K4" -> "4. kvartal 2026" */
export function quarter(period: string): string {
  return `${period.slice(5)}. kvartal ${period.slice(0, 4)}`;
}

function CaseCell({ c }: { c: Case | null }) {
  if (!c) return <>Sagen findes ikke længere</>;
  return (
    <Link to={`/sager/${c.id}`}>
      <span className="dst-case">Sag {c.case_number ?? 'uden nummer'}</span>
      <span className="sr-only"> ({c.initials})</span>
    </Link>
  );
}

function child(c: Case | null): string {
  if (!c) return '–';
  return c.age === null ? c.initials : `${c.initials}, ${formatAge(c.age)}`;
}

function CheckResult({ check }: { check: Check }) {
  const due = check.new + check.corrections + check.deletions;
  return (
    <section aria-labelledby="dst-check-heading" className="dst-check">
      <h3 id="dst-check-heading">Kontrol af indberetningen</h3>
      <ul className="dst-counts nobullet-list">
        <li>
          <strong>{plural(check.new, 'ny post', 'nye poster')}</strong>
        </li>
        <li>
          <strong>{plural(check.corrections, 'rettelse', 'rettelser')}</strong>
        </li>
        <li>
          <strong>{plural(check.deletions, 'sletning', 'sletninger')}</strong>
        </li>
        <li>
          <strong>{plural(check.invalid, 'post kan ikke sendes', 'poster kan ikke sendes')}</strong>
        </li>
      </ul>
      {due === 0 ? <p>Der er intet nyt at indberette.</p> : null}
      {check.issues.length > 0 ? (
        <>
        <h4 className="dst-table-heading">Poster der ikke kan sendes – ret dem på sagen</h4>
        <table className="table table--compact table-md-responsive-headers admin-table dst-table">
          <caption className="sr-only">Poster der ikke kan sendes</caption>
          <thead>
            <tr>
              <th scope="col">Sag</th>
              <th scope="col">Barn</th>
              <th scope="col">Sagsbehandler</th>
              <th scope="col">Post</th>
              <th scope="col">Årsag</th>
            </tr>
          </thead>
          <tbody>
            {check.issues.map((i) => (
              <tr key={i.key}>
                <th scope="row" data-title="Sag">
                  <CaseCell c={i.case} />
                </th>
                <td data-title="Barn">{child(i.case)}</td>
                <td data-title="Sagsbehandler">{i.case?.caseworker ?? 'Ingen'}</td>
                <td data-title="Post">{KIND[i.kind]}</td>
                <td data-title="Årsag">{i.reasons.join('. ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </>
      ) : null}
    </section>
  );
}

function History({ overview }: { overview: Overview }) {
  if (overview.deliveries.length === 0)
    return (
      <>
        <h3 className="dst-table-heading">Indberetninger</h3>
        <p className="empty-state">Der er ikke sendt noget til Danmarks Statistik endnu.</p>
      </>
    );
  return (
    <>
    <h3 className="dst-table-heading">Indberetninger</h3>
    <table className="table table--compact table-md-responsive-headers admin-table dst-table">
      <caption className="sr-only">Indberetninger</caption>
      <thead>
        <tr>
          <th scope="col">Dannet</th>
          <th scope="col">Periode</th>
          <th scope="col">Poster</th>
          <th scope="col">Status</th>
          <th scope="col">Sendt af</th>
          <th scope="col">XML</th>
        </tr>
      </thead>
      <tbody>
        {overview.deliveries.map((d) => (
          <tr key={d.id}>
            <th scope="row" data-title="Dannet">
              <time dateTime={d.created_at}>{formatDateTime(d.created_at)}</time>
            </th>
            <td data-title="Periode">{quarter(d.period)}</td>
            <td data-title="Poster">
              {plural(d.records, 'post', 'poster')}
              {d.accepted !== null ? `: ${d.accepted} modtaget` : ''}
              {d.rejected ? `, ${d.rejected} afvist` : ''}
            </td>
            <td data-title="Status">
              {d.status === 'afvist_delvist' || d.status === 'afvist' ? (
                <strong>{STATUS[d.status]}</strong>
              ) : (
                STATUS[d.status]
              )}
              {d.status === 'klar' && d.last_error ? <span className="form-hint">{d.last_error}</span> : null}
            </td>
            <td data-title="Sendt af">{d.automatic ? 'Sendt automatisk' : d.created_by}</td>
            <td data-title="XML">
              {d.pruned_at ? (
                <span className="form-hint">
                  Slettet <time dateTime={d.pruned_at}>{formatDate(d.pruned_at)}</time> efter opbevaringsperioden
                </span>
              ) : (
                <a href={`/api/statistics/dst/deliveries/${d.id}/xml`} download>
                  Hent XML<span className="sr-only"> for indberetningen dannet {formatDateTime(d.created_at)}</span>
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}

/** "Send automatisk hver nat": the nightly job checks and sends what is due (default off). */
function AutoSend({ setting }: { setting: Overview['setting'] }) {
  const saving = useSubmit({ invalidates: [['statistics', 'dst']] });
  // What was chosen shows at once; the overview's answer replaces it (or the error does).
  const [chosen, setChosen] = useState<boolean | null>(null);
  const toggle = async (on: boolean) => {
    saving.setGeneral(undefined);
    setChosen(on);
    const saved = await saving.run(() => call(api.PUT('/api/statistics/dst/setting', { body: { auto_send: on } })));
    if (!saved) setChosen(null);
  };
  useEffect(() => {
    if (chosen !== null && setting.auto_send === chosen) setChosen(null);
  }, [chosen, setting.auto_send]);
  return (
    <div className="dst-auto">
      <div className="form-group">
        <div className="form-group-checkbox">
          <input
            id="dst-auto"
            type="checkbox"
            className="form-checkbox"
            checked={chosen ?? setting.auto_send}
            aria-disabled={saving.busy || undefined}
            aria-describedby="dst-auto-hint"
            onChange={(e) => {
              if (!saving.busy) void toggle(e.target.checked);
            }}
          />
          <label className="form-label" htmlFor="dst-auto">
            Send automatisk hver nat
          </label>
          <span className="form-hint checkbox-hint" id="dst-auto-hint">
            Nye og ændrede poster kontrolleres og sendes hver nat, som når du trykker »Send til Danmarks
            Statistik«.
            {setting.changed_at
              ? ` Sidst ændret ${formatDateTime(setting.changed_at)} af ${setting.changed_by ?? 'en administrator'}.`
              : ''}
          </span>
        </div>
      </div>
      {saving.general ? (
        <Alert variant="error" heading="Indstillingen blev ikke gemt">
          <p>{saving.general}</p>
        </Alert>
      ) : null}
    </div>
  );
}

function Rejected({ overview }: { overview: Overview }) {
  if (overview.rejected.length === 0) return null;
  return (
    <>
    <h3 className="dst-table-heading">Afvist af Danmarks Statistik – ret sagen, så sendes posten igen</h3>
    <table className="table table--compact table-md-responsive-headers admin-table dst-table">
      <caption className="sr-only">Afvist af Danmarks Statistik</caption>
      <thead>
        <tr>
          <th scope="col">Sag</th>
          <th scope="col">Barn</th>
          <th scope="col">Sagsbehandler</th>
          <th scope="col">Post</th>
          <th scope="col">Danmarks Statistiks begrundelse</th>
        </tr>
      </thead>
      <tbody>
        {overview.rejected.map((r, i) => (
          <tr key={`${r.delivery_id}-${i}`}>
            <th scope="row" data-title="Sag">
              <CaseCell c={r.case} />
            </th>
            <td data-title="Barn">{child(r.case)}</td>
            <td data-title="Sagsbehandler">{r.case?.caseworker ?? 'Ingen'}</td>
            <td data-title="Post">{KIND[r.kind]}</td>
            <td data-title="Danmarks Statistiks begrundelse">{r.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}

export function Statistik() {
  const [overview, reload] = useApiQuery(
    ['statistics', 'dst'],
    (signal) => call(api.GET('/api/statistics/dst', { signal })),
    { refetchInterval: (o: Overview) => (o.open_delivery ? 1000 : false) },
  );
  const [check, setCheck] = useState<Check | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [sent, setSent] = useState<Delivery | null>(null);
  const checking = useSubmit();
  const sending = useSubmit({ invalidates: [['statistics', 'dst']] });

  const runCheck = async () => {
    checking.setGeneral(undefined);
    const found = await checking.run(() => call(api.POST('/api/statistics/dst/check')));
    if (found) setCheck(found);
  };
  const send = async () => {
    sending.setGeneral(undefined);
    const made = await sending.run(() => call(api.POST('/api/statistics/dst/deliveries')));
    if (made) {
      setConfirming(false);
      setSent(made);
      setCheck(null);
    }
  };

  let body;
  if (overview.state === 'loading') body = <Loading text="Henter indberetninger …" />;
  else if (overview.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Indberetningerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{overview.message}</p>
      </Alert>
    );
  else {
    const o = overview.data;
    const open = o.deliveries.find((d) => d.id === o.open_delivery);
    const last = sent ? o.deliveries.find((d) => d.id === sent.id) : undefined;
    body = (
      <>
        <p className="dst-due">
          <strong>Indberetning for {quarter(o.period)}</strong> – frist{' '}
          <time dateTime={o.deadline}>{formatDate(o.deadline)}</time>
        </p>
        <AutoSend setting={o.setting} />
        <div className="dst-actions">
          <button
            type="button"
            className="button button-secondary"
            disabled={checking.busy}
            aria-busy={checking.busy}
            onClick={() => void runCheck()}
          >
            {checking.busy ? 'Kontrollerer …' : 'Kontrollér'}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={open !== undefined}
            onClick={() => {
              sending.setGeneral(undefined);
              setSent(null);
              setConfirming(true);
            }}
          >
            Send til Danmarks Statistik
          </button>
        </div>
        {checking.general ? (
          <Alert variant="error" heading="Kontrollen kunne ikke gennemføres">
            <p>{checking.general}</p>
          </Alert>
        ) : null}
        {open ? (
          <Alert variant="info" heading="Indberetningen sendes" role="status">
            <p>
              {plural(open.records, 'post', 'poster')} sendes til Danmarks Statistik. Siden opdateres, når
              kvitteringen kommer.
            </p>
          </Alert>
        ) : null}
        {last && last.status !== 'klar' ? (
          <Alert variant={last.rejected ? 'warning' : 'success'} heading={`Indberetningen er ${STATUS[last.status].toLowerCase()}`} role="status">
            <p>
              Danmarks Statistik har modtaget {plural(last.accepted ?? 0, 'post', 'poster')}
              {last.rejected ? ` og afvist ${last.rejected} – se Afvist af Danmarks Statistik nedenfor` : ''}.
            </p>
          </Alert>
        ) : null}
        {check ? <CheckResult check={check} /> : null}
        <Rejected overview={o} />
        <History overview={o} />
      </>
    );
  }

  return (
    <section aria-labelledby="dst-heading" className="admin-section" aria-busy={overview.state === 'loading'}>
      <h2 id="dst-heading">Danmarks Statistik</h2>
      <p>
        Børn og unge med foranstaltninger – anbringelser og forebyggende foranstaltninger – og underretninger
        indberettes til Danmarks Statistik. Posterne dannes af oplysningerne på sagerne; ændres en sag, sendes
        posten igen som rettelse.
      </p>
      {body}
      {confirming ? (
        <ConfirmDialog
          title="Send til Danmarks Statistik?"
          confirmLabel="Send til Danmarks Statistik"
          busy={sending.busy}
          error={sending.general}
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Alle nye og ændrede poster sendes nu som én indberetning med børnenes CPR-numre.
            {check
              ? ` Ved seneste kontrol: ${plural(check.new + check.corrections + check.deletions, 'post', 'poster')}` +
                (check.invalid ? `; ${plural(check.invalid, 'post', 'poster')} kan ikke sendes, før sagen er rettet.` : '.')
              : ' Poster, der ikke opfylder Danmarks Statistiks regler, sendes ikke.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
