// One document of the case (/sager/<id>/dokumenter/<docId>): what it is (title, kind, date,
// enkeltsag, who added it, the file) and the file itself — a PDF (the original, or the PDF
// LibreOffice made of a Word/Excel file) in a sandboxed frame, an image as an image, "bliver
// konverteret" while the conversion runs (its /status asked every 2 s, not audited), and "Hent" always.
// The file is served by /api/documents/<id>/view with a sandbox policy of its own (and framed
// only by Trekant's own page, backend/app.py): nothing in it runs in Trekant's origin. "Ret oplysninger" changes the metadata (PATCH) in a dialog;
// incoming post is marked handled here as on the front page.
import { useEffect, useState, type FormEvent } from 'react';
import { api, call, type EnkeltsagRead } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { ErrorSummary, SelectField, TextField, withoutKey } from '../../../components/Form';
import { DialogButtons, FormDialog } from '../../../components/FormDialog';
import { Icon } from '../../../components/Icon';
import { Loading } from '../../../components/Loading';
import { formatDate, formatDateTime } from '../../../format';
import { useSubmit } from '../../../mutation';
import { isId, Link, useRouteParams } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { NotFound } from '../../NotFound';
import { enkeltsagLabel } from '../../JournalFilter';
import { placePath, useCaseContext } from '../places';
import { contentUrl, docKeys, formatSize, kindLabel, KINDS, SOURCE_LABELS, viewUrl, type DocumentKind, type DocumentOut } from './docApi';
import { MarkHandled } from './IndgaaetPost';

export function DokumentPlace() {
  const { docId } = useRouteParams('docId');
  if (!isId(docId)) return <NotFound />;
  return <Dokument key={docId} docId={docId} />;
}

function Dokument({ docId }: { docId: string }) {
  const { hovedsag: k, canWrite } = useCaseContext();
  const [doc, reload, update] = useApiQuery(
    docKeys.one(docId),
    (signal) => call(api.GET('/api/documents/{document_id}', { params: { path: { document_id: docId } }, signal })),
  );
  const [editing, setEditing] = useState(false);
  const back = (
    <p className="doc-back">
      <Link to={placePath(k.id, 'dokumenter')}>
        <Icon name="arrow-back" className="doc-back-icon" />
        Alle sagens dokumenter
      </Link>
    </p>
  );

  if (doc.state === 'loading')
    return (
      <div aria-busy="true">
        {back}
        <Loading text="Henter dokumentet …" />
      </div>
    );
  if (doc.state === 'error')
    return (
      <>
        {back}
        <Alert
          variant="error"
          heading={doc.status === 404 ? 'Dokumentet findes ikke på sagen' : 'Dokumentet kunne ikke hentes'}
          action={
            doc.status === 404 ? null : (
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            )
          }
        >
          <p>{doc.message}</p>
        </Alert>
      </>
    );
  const d = doc.data;
  if (d.case_id !== k.id) return <NotFound />;
  const e = k.enkeltsager.find((x) => x.id === d.enkeltsag_id);
  const mayEdit = canWrite && !k.closed_at;

  return (
    <article aria-labelledby="doc-heading" className="doc-view">
      {back}
      <div className="doc-view-head">
        <h2 id="doc-heading" className="doc-title">
          {d.title}
        </h2>
        <div className="doc-actions">
          <a className="button button-primary doc-download" href={contentUrl(d.id)} download={d.filename}>
            <Icon name="download" />
            Hent
            <span className="sr-only"> {d.filename}</span>
          </a>
          {mayEdit ? (
            <button type="button" className="button button-secondary" aria-haspopup="dialog" onClick={() => setEditing(true)}>
              Ret oplysninger
            </button>
          ) : null}
        </div>
      </div>
      {d.incoming && !d.handled_at ? (
        <Alert
          variant="warning"
          heading="Indgået post, der ikke er behandlet"
          action={mayEdit ? <MarkHandled doc={d} onDone={(next) => update(() => next)} /> : null}
        />
      ) : null}
      {/* From 1200 px the facts stand beside the file, so the file starts in the first screen. */}
      <div className="doc-body">
        <dl className="case-facts doc-facts">
          <Fact label="Type">{kindLabel(d.kind)}</Fact>
          <Fact label="Dato">
            <time dateTime={d.dated}>{formatDate(d.dated)}</time>
          </Fact>
          <Fact label="Enkeltsag">{e ? enkeltsagLabel(e) : (d.enkeltsag_label ?? 'Hele sagen')}</Fact>
          <Fact label="Tilføjet">
            {d.added_by_name}, <time dateTime={d.added_at}>{formatDateTime(d.added_at)}</time>
          </Fact>
          <Fact label="Kilde">{SOURCE_LABELS[d.source] ?? 'Tilføjet på sagen'}</Fact>
          <Fact label="Fil">
            <span className="doc-filename">{d.filename}</span> ({formatSize(d.size)})
          </Fact>
          {d.incoming && d.handled_at ? (
            <Fact label="Indgået post">
              Behandlet <time dateTime={d.handled_at}>{formatDateTime(d.handled_at)}</time>
            </Fact>
          ) : null}
        </dl>
        <Viewer doc={d} onReady={reload} />
      </div>
      {editing ? (
        <EditDocument
          doc={d}
          enkeltsager={k.enkeltsager}
          onClose={() => setEditing(false)}
          onSaved={(next) => {
            update(() => next);
            setEditing(false);
          }}
        />
      ) : null}
    </article>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>
        {label}
        <span className="sr-only">: </span>
      </dt>
      <dd>{children}</dd>
    </div>
  );
}

// While LibreOffice converts, ask only /status (how the file can be shown: nothing personal,
// not audited) every 2 s; once it changes, read the document (audited) once more.
function ConversionWatch({ docId, onReady }: { docId: string; onReady: () => void }) {
  const [status] = useApiQuery(
    docKeys.status(docId),
    (signal) => call(api.GET('/api/documents/{document_id}/status', { params: { path: { document_id: docId } }, signal })),
    { refetchInterval: (s) => (s.view === 'konverterer' ? 2000 : false) },
  );
  const ready = status.state === 'ready' && status.data.view !== 'konverterer';
  useEffect(() => {
    if (ready) onReady();
  }, [ready, onReady]);
  return null;
}

function Viewer({ doc: d, onReady }: { doc: DocumentOut; onReady: () => void }) {
  if (d.view === 'pdf')
    return (
      <div className="doc-frame-wrap">
        {/* <object>, not <iframe sandbox>: Chromium's PDF viewer refuses a sandboxed frame. The
            answer carries its own "Content-Security-Policy: sandbox", so nothing in it runs as Trekant. */}
        <object className="doc-frame" data={`${viewUrl(d.id)}#navpanes=0&view=FitH`} type="application/pdf" aria-label={`${d.title} (PDF)`}>
          <p className="doc-noview">
            Browseren kan ikke vise PDF-filen her. <a href={contentUrl(d.id)} download={d.filename}>Hent {d.filename}</a>
          </p>
        </object>
      </div>
    );
  if (d.view === 'image')
    return (
      <div className="doc-image-wrap">
        <img className="doc-image" src={viewUrl(d.id)} alt={d.title} />
      </div>
    );
  if (d.view === 'konverterer')
    return (
      <div className="doc-pending" aria-busy="true">
        <ConversionWatch docId={d.id} onReady={onReady} />
        <Loading text="Dokumentet bliver konverteret til PDF, så det kan vises her …" />
        <p className="form-hint">Du kan hente den oprindelige fil imens.</p>
      </div>
    );
  return (
    <p className="empty-state doc-noview">
      {d.view_note ?? 'Filen kan ikke vises i browseren. Hent den for at åbne den på din computer.'}
    </p>
  );
}

const FIELDS: Record<string, [string, string]> = {
  title: ['doc-edit-title', 'Titel'],
  kind: ['doc-edit-kind', 'Type'],
  dated: ['doc-edit-dated', 'Dato'],
  enkeltsag_id: ['doc-edit-enkeltsag', 'Enkeltsag'],
};

function EditDocument({
  doc: d,
  enkeltsager,
  onClose,
  onSaved,
}: {
  doc: DocumentOut;
  enkeltsager: EnkeltsagRead[];
  onClose: () => void;
  onSaved: (d: DocumentOut) => void;
}) {
  const [title, setTitle] = useState(d.title);
  const [kind, setKind] = useState<string>(d.kind);
  const [dated, setDated] = useState(d.dated);
  const [enkeltsag, setEnkeltsag] = useState(d.enkeltsag_id ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general } = useSubmit({ setErrors, invalidates: [docKeys.all] });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems: Record<string, string> = {};
    if (!title.trim()) problems.title = 'Skriv en titel';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dated)) problems.dated = 'Skriv datoen som dd.mm.åååå';
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    await run(async () => {
      const saved = await call(
        api.PATCH('/api/documents/{document_id}', {
          params: { path: { document_id: d.id } },
          body: { title: title.trim(), kind: kind as DocumentKind, dated, enkeltsag_id: enkeltsag || null },
        }),
      );
      onSaved(saved);
    });
  };

  return (
    <FormDialog title="Ret oplysninger" subtitle={d.filename} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} fields={FIELDS} general={general} heading="Oplysningerne blev ikke gemt" />
        <TextField
          id="doc-edit-title"
          label="Titel"
          value={title}
          onChange={(v) => {
            setTitle(v);
            setErrors(withoutKey('title'));
          }}
          error={errors.title}
          width="input-width-xl"
        />
        <SelectField id="doc-edit-kind" label="Type" value={kind} onChange={setKind} choices={KINDS} error={errors.kind} />
        <TextField
          id="doc-edit-dated"
          label="Dato"
          type="date"
          value={dated}
          onChange={(v) => {
            setDated(v);
            setErrors(withoutKey('dated'));
          }}
          error={errors.dated}
          width="input-width-s"
        />
        {enkeltsager.length > 0 ? (
          <SelectField
            id="doc-edit-enkeltsag"
            label="Enkeltsag"
            value={enkeltsag}
            onChange={setEnkeltsag}
            choices={[{ value: '', label: 'Hele sagen' }, ...enkeltsager.map((e) => ({ value: e.id, label: enkeltsagLabel(e) }))]}
            error={errors.enkeltsag_id}
          />
        ) : null}
        <DialogButtons label="Gem" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}
