import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, fieldErrors, messageOf } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { formatDate } from '../../format';
import { useSubmit } from '../../mutation';
import type { PriorCase } from './store';

const R_FIELDS: Record<string, [string, string]> = {
  message: ['request-message', 'Besked til kommunen'],
  cpr: ['request-message', 'CPR-nummer'],
  to_kommune: ['request-message', 'Kommune'],
};

function statusOf(p: PriorCase): string {
  if (p.transferred_to) return `Lukket – overført til ${p.transferred_to.name}`;
  return p.status === 'aaben' ? 'Åben' : 'Lukket';
}

/** Ask another kommune for its open case on the child (a transfer request). */
function RequestForm({
  prior,
  cpr,
  onCancel,
  onSent,
}: {
  prior: PriorCase;
  cpr: string;
  onCancel: () => void;
  onSent: () => void;
}) {
  const [message, setMessage] = useState('');
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();
  useEffect(() => {
    document.getElementById('request-message')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!message.trim()) {
      setErrors({ message: 'Skriv, hvorfor I beder om sagen' });
      return;
    }
    setErrors({});
    await run(
      async () => {
        await call(
          api.POST('/api/transfer-requests', {
            body: { to_kommune: prior.kommune.code, cpr, message: message.trim() },
          }),
        );
        onSent();
      },
      (err) => {
        const fields = fieldErrors(err);
        if (fields.message) setErrors({ message: fields.message });
        else setFailure(fields.cpr ?? fields.to_kommune ?? messageOf(err));
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form case-form" aria-labelledby="request-heading">
      <h3 id="request-heading">Bed {prior.kommune.name} om sagen</h3>
      <ErrorSummary errors={errors} fields={R_FIELDS} />
      {failure ? (
        <Alert variant="error" heading="Anmodningen blev ikke sendt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextArea
        id="request-message"
        label="Besked til kommunen"
        hint={`Fx at barnet er flyttet hertil. ${prior.kommune.name} svarer ved at sende sagen eller afvise med en begrundelse.`}
        value={message}
        onChange={(v) => {
          setMessage(v);
          setErrors({});
        }}
        error={errors.message}
        rows={3}
      />
      <div className="process-buttons">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Send anmodning
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

/**
 * "Barnet har haft sager i andre kommuner": where and when (never what), shown on the case
 * page after a registration found cases elsewhere, with a way to ask for an open one.
 */
export function PriorCasesNotice({
  priorCases,
  cpr,
  canRequest,
  unborn = false,
  intro,
}: {
  priorCases: PriorCase[];
  cpr: string | null;
  canRequest: boolean;
  /** registered as an unborn child: a "barn" row is the mother's own case as a child */
  unborn?: boolean;
  /** replaces the default explanation (e.g. on a transfer the receiver reads) */
  intro?: string;
}) {
  const [asking, setAsking] = useState<string | null>(null);
  const [sent, setSent] = useState<string[]>([]);
  const doneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (sent.length > 0) doneRef.current?.focus();
  }, [sent]);

  const askable = (p: PriorCase) => canRequest && !!cpr && p.status === 'aaben' && !p.transferred_to;
  const prior = priorCases.find((p) => `${p.kommune.code}|${p.opened_on}` === asking);

  return (
    <section aria-labelledby="prior-cases-heading" className="case-section prior-cases">
      <div className="alert alert-warning has-icon" role="note">
        <Icon name="warning" className="alert-icon" />
        <div className="alert-body">
          <h2 id="prior-cases-heading" className="alert-heading">
            Barnet har haft sager i andre kommuner
          </h2>
          <div className="alert-text">
            <p>
              {intro ??
                `CPR-nummeret er kendt i ${priorCases.length === 1 ? 'en anden kommune' : 'andre kommuner'}. Du ser kun hvor og hvornår – ikke sagernes indhold.${canRequest ? ' Bed kommunen om sagen, hvis den skal overføres hertil.' : ''}`}
            </p>
            <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="prior-cases-heading">
              <table className="table table--compact prior-cases-table">
                <thead>
                  <tr>
                    <th scope="col">Kommune</th>
                    <th scope="col">Åbnet</th>
                    <th scope="col">Lukket</th>
                    <th scope="col">Status</th>
                    {canRequest ? (
                      <th scope="col">
                        <span className="sr-only">Handling</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {priorCases.map((p) => {
                    const key = `${p.kommune.code}|${p.opened_on}`;
                    return (
                      <tr key={`${key}|${p.subject}`}>
                        <td>
                          {p.kommune.name}
                          {p.subject === 'ufoedt' ? (
                            <span className="cell-note">Ufødt barn (registreret på morens CPR-nummer)</span>
                          ) : unborn ? (
                            <span className="cell-note">Morens egen sag som barn</span>
                          ) : null}
                        </td>
                        <td>
                          <time dateTime={p.opened_on}>{formatDate(p.opened_on)}</time>
                        </td>
                        <td>{p.closed_on ? <time dateTime={p.closed_on}>{formatDate(p.closed_on)}</time> : '–'}</td>
                        <td>{statusOf(p)}</td>
                        {canRequest ? (
                        <td>
                          {sent.includes(key) ? (
                            'Anmodning sendt'
                          ) : askable(p) ? (
                            <button
                              type="button"
                              className="button button-secondary"
                              aria-expanded={asking === key}
                              onClick={() => setAsking(asking === key ? null : key)}
                            >
                              Bed {p.kommune.name} om sagen
                            </button>
                          ) : null}
                        </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
      <div ref={doneRef} tabIndex={-1} className="case-outcome">
        {sent.length > 0 ? (
          <Alert variant="success" heading="Anmodningen om sagen er sendt">
            <p>Du kan følge den under „Overførsler“.</p>
          </Alert>
        ) : null}
      </div>
      {prior && asking && cpr ? (
        <RequestForm
          key={asking}
          prior={prior}
          cpr={cpr}
          onCancel={() => setAsking(null)}
          onSent={() => {
            setSent((s) => [...s, asking]);
            setAsking(null);
          }}
        />
      ) : null}
    </section>
  );
}
