// Each recipient's delivery of a sent letter (backend/post): channel, status, attempts and a
// Danish error, and Digital Post's receipt in its words. Asked again every few seconds while a delivery is still waiting. An e-mail
// whose attempt has no known outcome ("uafklaret": Trekant does not send it again by itself)
// offers "Send igen" once the caseworker has checked with the recipient.
import { api, call } from '../../../api/client';
import type { components } from '../../../api/schema';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { formatDateTime } from '../../../format';
import { useSubmit } from '../../../mutation';
import { useApiQuery } from '../../../useApi';
import { CHANNELS } from './queries';

type Delivery = components['schemas']['DeliveryOut'];

const STATUS: Record<Delivery['status'], string> = {
  afventer: 'Afventer',
  sendt: 'Sendt',
  fejlet: 'Fejlet',
  uafklaret: 'Afsendelse uafklaret',
};

/** "Send igen" for an unresolved e-mail: a new attempt, journalised. */
function Resend({ caseId, delivery }: { caseId: string; delivery: Delivery }) {
  const { run, busy, general } = useSubmit({ invalidates: [['case', caseId]] });
  return (
    <span className="letter-delivery-resend">
      <button
        type="button"
        className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
        aria-label={`Send igen til ${delivery.recipient_name}`}
        onClick={() =>
          void run(() =>
            call(
              api.POST('/api/cases/{case_id}/deliveries/{delivery_id}/resend', {
                params: { path: { case_id: caseId, delivery_id: delivery.id } },
              }),
            ),
          )
        }
      >
        Send igen
      </button>
      {general ? (
        <span className="form-error-message" role="alert">
          {general}
        </span>
      ) : null}
    </span>
  );
}

export function Deliveries({ caseId, letterId, canResend }: { caseId: string; letterId: string; canResend: boolean }) {
  const [state, reload] = useApiQuery(
    ['case', caseId, 'deliveries', letterId],
    (signal) =>
      call(
        api.GET('/api/cases/{case_id}/deliveries', {
          signal,
          params: { path: { case_id: caseId }, query: { letter_id: letterId } },
        }),
      ),
    {
      refetchInterval: (data) =>
        data.items.some((d) => d.status === 'afventer' && !d.queued_for_print) ? 3000 : false,
    },
  );
  return (
    <section aria-labelledby="deliveries-heading" className="letter-deliveries">
      <h3 id="deliveries-heading">Afsendelse</h3>
      {state.state === 'loading' ? <Loading text="Henter afsendelsen …" /> : null}
      {state.state === 'error' ? (
        <Alert
          variant="error"
          heading="Afsendelsen kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{state.message}</p>
        </Alert>
      ) : null}
      {state.state === 'ready' ? (
        <table className="table table--compact table--responsive-headers letter-delivery-table">
          <thead>
            <tr>
              <th scope="col">Modtager</th>
              <th scope="col">Sendes med</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {state.data.items.map((d) => (
              <tr key={d.id}>
                <td data-title="Modtager">
                  {d.recipient_name} <span className="letter-role">({d.recipient_role})</span>
                </td>
                <td data-title="Sendes med">{CHANNELS[d.channel]}</td>
                <td data-title="Status">
                  <span className={`letter-delivery-${d.status}`}>
                    {d.status === 'afventer' && d.queued_for_print ? 'Lagt i udskriftsbunke' : STATUS[d.status]}
                  </span>
                  {d.sent_at ? ` ${formatDateTime(d.sent_at)}` : ''}
                  {d.error ? <span className="letter-delivery-error"> – {d.error}</span> : null}
                  {d.status === 'uafklaret' ? (
                    <>
                      {' '}
                      – kontrollér om modtageren har fået e-mailen
                      {canResend ? <Resend caseId={caseId} delivery={d} /> : null}
                    </>
                  ) : null}
                  {d.receipt ? <span className="letter-delivery-receipt">{d.receipt}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
