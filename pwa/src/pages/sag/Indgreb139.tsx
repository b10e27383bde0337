// "Afgørelser efter § 139" under Forløb (issue 18 item 2): a decision to fetch the child in the
// home or at the placement without a court order to enforce a decision (Barnets Lov § 139,
// stk. 2-3, e.g. a change of placement with the police's help), or to enter the home as part
// of the investigation (stk. 4). Nothing else in Trekant records one. "Registrér afgørelse
// efter § 139" opens a dialog (which, when, who decided, the police's help, what happened);
// saved, it is journalised and its report to Ankestyrelsen becomes an activity ("Indberet"
// on the list of open activities above). GET/POST /api/cases/{id}/indgreb-139.
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, RadioGroup, TextArea, TextField, withoutKey } from '../../components/Form';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import type { Done } from './process';

const FIELDS: Record<string, [string, string]> = {
  kind: ['indgreb-kind', 'Afgørelse'],
  decided_on: ['indgreb-decided-on', 'Dato for afgørelsen'],
  carried_out_on: ['indgreb-carried-out-on', 'Dato for gennemførelsen'],
  decided_by: ['indgreb-decided-by', 'Truffet af'],
  police: ['indgreb-police', 'Politiets bistand'],
  description: ['indgreb-description', 'Hvad skete der'],
};

type Choice = { value: string; label: string };

function RecordDialog({
  caseId,
  kinds,
  childName,
  onClose,
  onSaved,
}: {
  caseId: string;
  kinds: Choice[];
  childName: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [kind, setKind] = useState('');
  const [decidedOn, setDecidedOn] = useState(todayInCopenhagen());
  const [carriedOutOn, setCarriedOutOn] = useState('');
  const [decidedBy, setDecidedBy] = useState('');
  const [police, setPolice] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general, setGeneral } = useSubmit({ setErrors });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setGeneral(undefined);
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/cases/{case_id}/indgreb-139', {
          params: { path: { case_id: caseId } },
          body: {
            kind: (kind || null) as never,
            decided_on: decidedOn || null,
            carried_out_on: carriedOutOn || null,
            decided_by: decidedBy,
            police: police === '' ? null : police === 'ja',
            description,
          },
        }),
      );
      onSaved();
    });
  };
  const clear = (key: string) => setErrors(withoutKey(key));

  return (
    <FormDialog title="Afgørelse efter § 139" subtitle={childName} busy={busy} onClose={onClose} size="wide">
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} fields={FIELDS} general={general} heading="Afgørelsen blev ikke registreret" />
        <RadioGroup
          id="indgreb-kind"
          legend="Hvilken afgørelse er truffet?"
          choices={kinds}
          value={kind}
          onChange={(v) => {
            setKind(v);
            clear('kind');
          }}
          error={errors.kind}
        />
        <TextField
          id="indgreb-decided-on"
          label="Dato for afgørelsen"
          type="date"
          width="input-width-s"
          value={decidedOn}
          onChange={(v) => {
            setDecidedOn(v);
            clear('decided_on');
          }}
          error={errors.decided_on}
        />
        <TextField
          id="indgreb-carried-out-on"
          label="Dato for gennemførelsen (valgfri)"
          type="date"
          width="input-width-s"
          value={carriedOutOn}
          onChange={(v) => {
            setCarriedOutOn(v);
            clear('carried_out_on');
          }}
          error={errors.carried_out_on}
        />
        <TextField
          id="indgreb-decided-by"
          label="Hvem traf afgørelsen?"
          hint="Fx børne- og ungeudvalgets formand eller afdelingslederen."
          value={decidedBy}
          onChange={(v) => {
            setDecidedBy(v);
            clear('decided_by');
          }}
          error={errors.decided_by}
        />
        <RadioGroup
          id="indgreb-police"
          legend="Ydede politiet bistand?"
          choices={[
            { value: 'ja', label: 'Ja' },
            { value: 'nej', label: 'Nej' },
          ]}
          value={police}
          onChange={(v) => {
            setPolice(v);
            clear('police');
          }}
          error={errors.police}
        />
        <TextArea
          id="indgreb-description"
          label="Hvad skete der, og hvorfor?"
          value={description}
          onChange={(v) => {
            setDescription(v);
            clear('description');
          }}
          error={errors.description}
        />
        <p className="form-hint">
          Når afgørelsen er registreret, skrives den i journalen, og du får en aktivitet om at indberette den til
          Ankestyrelsen med barnets egen oplevelse.
        </p>
        <DialogButtons label="Registrér afgørelsen" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

export function Indgreb139Part({
  caseId,
  childName,
  canWrite,
  onDone,
}: {
  caseId: string;
  childName: string;
  canWrite: boolean;
  onDone: (result: Done) => void;
}) {
  const [open, setOpen] = useState(false);
  const [list, reload] = useApiQuery(['cases', caseId, 'indgreb-139'], (signal) =>
    call(api.GET('/api/cases/{case_id}/indgreb-139', { signal, params: { path: { case_id: caseId } } })),
  );
  return (
    <div className="process-part">
      <h3 id="forloeb-indgreb">Afgørelser efter § 139</h3>
      {list.state === 'loading' ? (
        <Loading text="Henter afgørelser efter § 139 …" />
      ) : list.state === 'error' ? (
        <Alert
          variant="error"
          heading="Afgørelserne efter § 139 kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{list.message}</p>
        </Alert>
      ) : (
        <>
          {list.data.items.length === 0 ? (
            <p className="process-empty">Ingen afgørelser om adgang til hjemmet eller fuldbyrdelse.</p>
          ) : (
            <ul className="process-list" aria-labelledby="forloeb-indgreb">
              {list.data.items.map((i) => (
                <li key={i.id}>
                  <p className="process-item-title">{i.kind_label}</p>
                  <p className="process-meta">
                    Truffet <time dateTime={i.decided_on}>{formatDate(i.decided_on)}</time> af {i.decided_by}
                    {i.police ? ', med politiets bistand' : ''}
                  </p>
                  <p className="process-text">{i.description}</p>
                </li>
              ))}
            </ul>
          )}
          {canWrite ? (
            <button
              type="button"
              className="button button-secondary button-small"
              aria-haspopup="dialog"
              onClick={() => setOpen(true)}
            >
              Registrér afgørelse efter § 139
            </button>
          ) : null}
          {open ? (
            <RecordDialog
              caseId={caseId}
              kinds={list.data.kinds}
              childName={childName}
              onClose={() => setOpen(false)}
              onSaved={() => {
                setOpen(false);
                reload();
                onDone({
                  heading: 'Afgørelsen efter § 139 er registreret',
                  lines: ['Den står i journalen. Indberet den til Ankestyrelsen under Åbne aktiviteter.'],
                });
              }}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
