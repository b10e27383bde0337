// Administration → Brevskabeloner: the kommune's letter templates (Trekant's standard ones and
// its own), each edited in the letters' rich-text editor with the merge fields as buttons that
// insert them, previewed as PDF with a sample case, saved as a new version (letters already
// written keep theirs), or taken out of use. Below the list: the kommune's letterhead.
import { useRef, useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary, SelectField, TextField, withoutKey } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../format';
import { failureOf, useSubmit } from '../../mutation';
import { Link, navigate } from '../../router';
import { invalidate, useApiQuery } from '../../useApi';
import { NotFound } from '../NotFound';
import { RichText, type RichTextHandle } from '../sag/breve/RichText';

type TemplateRead = components['schemas']['TemplateRead'];
type Vocabulary = components['schemas']['Vocabulary'];
type Letterhead = components['schemas']['Letterhead'];

const BASE = '/administration/brevskabeloner';
const keys = {
  list: ['admin', 'letter-templates'] as const,
  one: (id: string) => ['admin', 'letter-templates', id] as const,
  fields: ['admin', 'letter-templates', 'fields'] as const,
  letterhead: ['admin', 'letter-templates', 'letterhead'] as const,
};

function Failed({ message, onRetry, heading }: { message: string; onRetry: () => void; heading: string }) {
  return (
    <Alert
      variant="error"
      heading={heading}
      action={
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Prøv igen
        </button>
      }
    >
      <p>{message}</p>
    </Alert>
  );
}

function TemplateList() {
  const [state, reload] = useApiQuery(keys.list, (signal) =>
    call(api.GET('/api/letter-templates', { signal, params: { query: { include_retired: true } } })),
  );
  return (
    <section aria-labelledby="templates-heading" className="admin-section" aria-busy={state.state === 'loading'}>
      <div className="admin-heading-row">
        <h2 id="templates-heading">Brevskabeloner</h2>
        <Link to={`${BASE}/ny`} className="button button-secondary">
          Ny skabelon
        </Link>
      </div>
      <p>Sagsbehandlerne skriver breve ud fra skabelonerne. Et sendt brev husker den version af skabelonen, det blev skrevet ud fra.</p>
      {state.state === 'loading' ? <Loading text="Henter skabeloner …" /> : null}
      {state.state === 'error' ? <Failed heading="Skabelonerne kunne ikke hentes" message={state.message} onRetry={reload} /> : null}
      {state.state === 'ready' ? (
        <table className="table table--compact table--responsive-headers">
          <thead>
            <tr>
              <th scope="col">Skabelon</th>
              <th scope="col">Bruges til</th>
              <th scope="col">Version</th>
              <th scope="col">Sidst ændret</th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((t) => (
              <tr key={t.id}>
                <td data-title="Skabelon">
                  <Link to={`${BASE}/${t.id}`}>{t.title}</Link>
                  {t.retired ? <span className="letter-status"> Ude af brug</span> : null}
                  {t.standard ? <span className="letter-meta"> · Trekants standard</span> : null}
                </td>
                <td data-title="Bruges til">{t.purpose_label}</td>
                <td data-title="Version">{t.current_version}</td>
                <td data-title="Sidst ændret">
                  {formatDateTime(t.changed_at)}
                  {t.changed_by && t.changed_by !== 'Trekant' ? ` af ${t.changed_by}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function LetterheadForm({ initial }: { initial: Letterhead }) {
  const [value, setValue] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const { run, busy, general } = useSubmit({ setErrors, invalidates: [keys.letterhead] });
  const set = (k: keyof Letterhead) => (v: string) => {
    setValue((x) => ({ ...x, [k]: v }));
    setErrors(withoutKey(k));
    setSaved(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    await run(async () => {
      const next = await call(api.PUT('/api/letter-templates/letterhead', { body: value }));
      setValue(next);
      setSaved(true);
    });
  };
  return (
    <section aria-labelledby="letterhead-heading" className="admin-section">
      <h2 id="letterhead-heading">Brevhoved</h2>
      <p>Står øverst på alle breve sammen med kommunens navn.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {general ? <Alert variant="error" heading={general} /> : null}
        {saved ? <Alert variant="success" heading="Brevhovedet er gemt" /> : null}
        <TextField id="lh-address" label="Adresse" hint="Adskil linjerne med komma" value={value.address} onChange={set('address')} error={errors.address} width="input-width-xl" />
        <TextField id="lh-phone" label="Telefon" type="tel" value={value.phone} onChange={set('phone')} error={errors.phone} width="input-width-s" />
        <TextField id="lh-email" label="E-mail" type="email" value={value.email} onChange={set('email')} error={errors.email} />
        <TextField id="lh-web" label="Hjemmeside" value={value.web} onChange={set('web')} error={errors.web} />
        <button type="submit" className="button button-secondary" disabled={busy} aria-busy={busy}>
          {busy ? 'Gemmer …' : 'Gem brevhoved'}
        </button>
      </form>
    </section>
  );
}

function LetterheadSection() {
  const [state, reload] = useApiQuery(keys.letterhead, (signal) => call(api.GET('/api/letter-templates/letterhead', { signal })));
  if (state.state === 'loading') return <Loading text="Henter brevhovedet …" />;
  if (state.state === 'error') return <Failed heading="Brevhovedet kunne ikke hentes" message={state.message} onRetry={reload} />;
  return <LetterheadForm initial={state.data} />;
}

function FieldChips({ vocabulary, onInsert }: { vocabulary: Vocabulary; onInsert: (text: string) => void }) {
  return (
    <div className="letter-fields" role="group" aria-labelledby="fields-heading">
      <h3 id="fields-heading">Flettefelter</h3>
      <p className="form-hint">Klik på et felt for at sætte det ind, hvor markøren står i teksten.</p>
      <ul className="nobullet-list letter-field-list">
        {vocabulary.fields.map((f) => (
          <li key={f.name}>
            <button
              type="button"
              className="button button-secondary letter-field-chip"
              title={`${f.label} – fx ${f.sample}`}
              onClick={() => onInsert(`{{ ${f.name} }}`)}
            >
              {f.label}
            </button>
          </li>
        ))}
      </ul>
      {vocabulary.lists.map((l) => (
        <p key={l.name} className="form-hint">
          {l.label}: skriv <code>{`{% for p in ${l.name} %}{{ p.navn }}{% endfor %}`}</code> (felter:{' '}
          {l.fields.map((f) => f.name).join(', ')}).
        </p>
      ))}
    </div>
  );
}

function TemplateForm({ template, vocabulary }: { template: TemplateRead | null; vocabulary: Vocabulary }) {
  const [title, setTitle] = useState(template?.title ?? '');
  const [purpose, setPurpose] = useState<string>(template?.purpose ?? 'andet');
  const [body, setBody] = useState(template?.body ?? '<p></p>');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<number | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [retiring, setRetiring] = useState(false);
  const [retireError, setRetireError] = useState<string | undefined>();
  const editor = useRef<RichTextHandle>(null);
  const saver = useSubmit({ setErrors, invalidates: [keys.list] });
  const previewer = useSubmit({ setErrors });
  const retirer = useSubmit({ invalidates: [keys.list] });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saver.busy) return;
    const missing: Record<string, string> = {};
    if (!title.trim()) missing.title = 'Skriv en titel';
    setErrors(missing);
    if (missing.title) return;
    await saver.run(async () => {
      if (template) {
        const next = await call(
          api.PUT('/api/letter-templates/{template_id}', {
            params: { path: { template_id: template.id } },
            body: { title, body, purpose, version: template.version },
          }),
        );
        invalidate(keys.one(template.id));
        setSaved(next.current_version);
      } else {
        const made = await call(api.POST('/api/letter-templates', { body: { title, body, purpose } }));
        navigate(`${BASE}/${made.id}`);
      }
    });
  };

  const preview = async () => {
    await previewer.run(async () => {
      const blob = await call(
        api.POST('/api/letter-templates/preview', { body: { title, body }, parseAs: 'blob' }),
      );
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      setPreviewUrl(URL.createObjectURL(blob as Blob));
    });
  };

  const retire = async () => {
    if (!template) return;
    await retirer.run(
      async () => {
        await call(
          api.POST('/api/letter-templates/{template_id}/retire', {
            params: { path: { template_id: template.id } },
            body: { version: template.version },
          }),
        );
        setRetiring(false);
        invalidate(keys.one(template.id));
      },
      (err) => setRetireError(failureOf(err).message),
    );
  };

  const purposes = Object.entries(vocabulary.purposes).map(([value, label]) => ({ value, label }));
  const readOnly = !!template?.retired;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="template-form">
      <ErrorSummary
        errors={errors}
        general={saver.general ?? previewer.general}
        fields={{ title: ['title', 'Titel'], purpose: ['purpose', 'Bruges til'], body: ['body', 'Tekst'] }}
      />
      {saver.general && Object.keys(errors).length === 0 ? <Alert variant="error" heading={saver.general} /> : null}
      {saved ? <Alert variant="success" heading={`Gemt som version ${saved}`} /> : null}
      {readOnly ? <Alert variant="info" heading="Skabelonen er taget ud af brug" /> : null}
      <TextField id="title" label="Titel" hint="Brevets overskrift; må indeholde flettefelter" value={title} onChange={(v) => { setTitle(v); setErrors(withoutKey('title')); }} error={errors.title} width="input-width-xl" />
      <SelectField id="purpose" label="Bruges til" value={purpose} onChange={setPurpose} choices={purposes} error={errors.purpose} hint="Afgør, hvilke af sagens skridt brevet følger (fx at kvitteringen udfører aktiviteten)" />
      <div className="template-editor-grid">
        <RichText
          ref={editor}
          id="body"
          label="Tekst"
          value={body}
          onChange={(html) => {
            setBody(html);
            setErrors(withoutKey('body'));
          }}
          error={errors.body}
          readOnly={readOnly}
        />
        {readOnly ? null : <FieldChips vocabulary={vocabulary} onInsert={(text) => editor.current?.insert(text)} />}
      </div>
      <div className="form-actions">
        {readOnly ? null : (
          <button type="submit" className="button button-primary" disabled={saver.busy} aria-busy={saver.busy}>
            {saver.busy ? 'Gemmer …' : template ? 'Gem ny version' : 'Opret skabelon'}
          </button>
        )}
        <button type="button" className="button button-secondary" disabled={previewer.busy} aria-busy={previewer.busy} onClick={() => void preview()}>
          {previewer.busy ? 'Laver forhåndsvisning …' : 'Forhåndsvis med eksempelsag'}
        </button>
        {template && !readOnly ? (
          <button type="button" className="button button-tertiary" onClick={() => { setRetireError(undefined); setRetiring(true); }}>
            Tag ud af brug
          </button>
        ) : null}
      </div>
      {previewUrl ? (
        <div className="template-preview">
          <h3>Forhåndsvisning</h3>
          <p>
            <a href={previewUrl} target="_blank" rel="noopener">
              Åbn forhåndsvisningen (PDF)
            </a>
          </p>
          <iframe title="Forhåndsvisning af brevet" src={previewUrl} className="template-preview-frame" />
        </div>
      ) : null}
      {template ? (
        <details className="template-versions">
          <summary>Versioner ({template.versions.length})</summary>
          <ul>
            {template.versions.map((v) => (
              <li key={v.version}>
                Version {v.version}: {v.title} – {formatDateTime(v.created_at)} af {v.created_by}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {retiring ? (
        <ConfirmDialog
          title="Tag skabelonen ud af brug?"
          confirmLabel="Tag ud af brug"
          busy={retirer.busy}
          error={retireError}
          onConfirm={() => void retire()}
          onCancel={() => setRetiring(false)}
        >
          <p>»{template?.title}« kan ikke længere vælges til nye breve. Breve, der allerede er skrevet, beholder deres tekst.</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

function TemplatePage({ templateId }: { templateId: string | null }) {
  const [vocabulary, reloadFields] = useApiQuery(keys.fields, (signal) => call(api.GET('/api/letter-templates/fields', { signal })));
  const [template, reload] = useApiQuery(
    keys.one(templateId ?? 'ny'),
    (signal) =>
      call(api.GET('/api/letter-templates/{template_id}', { signal, params: { path: { template_id: templateId ?? '' } } })),
    { enabled: templateId !== null },
  );
  const heading = templateId === null ? 'Ny brevskabelon' : template.state === 'ready' ? template.data.title : 'Brevskabelon';
  return (
    <section aria-labelledby="template-heading" className="admin-section">
      <p>
        <Link to={BASE}>Alle brevskabeloner</Link>
      </p>
      <h2 id="template-heading">{heading}</h2>
      {vocabulary.state === 'error' ? <Failed heading="Flettefelterne kunne ikke hentes" message={vocabulary.message} onRetry={reloadFields} /> : null}
      {templateId !== null && template.state === 'error' ? (
        template.status === 404 ? <NotFound /> : <Failed heading="Skabelonen kunne ikke hentes" message={template.message} onRetry={reload} />
      ) : null}
      {vocabulary.state === 'loading' || (templateId !== null && template.state === 'loading') ? <Loading text="Henter skabelonen …" /> : null}
      {vocabulary.state === 'ready' && templateId === null ? <TemplateForm template={null} vocabulary={vocabulary.data} /> : null}
      {vocabulary.state === 'ready' && templateId !== null && template.state === 'ready' ? (
        <TemplateForm key={template.data.id} template={template.data} vocabulary={vocabulary.data} />
      ) : null}
    </section>
  );
}

const ONE = /^\/administration\/brevskabeloner\/([0-9a-f-]{36})\/?$/i;

/** /administration/brevskabeloner[/ny|/<id>] */
export function Brevskabeloner({ path }: { path: string }) {
  const one = ONE.exec(path);
  if (one) return <TemplatePage key={one[1]} templateId={one[1] ?? null} />;
  if (/^\/administration\/brevskabeloner\/ny\/?$/.test(path)) return <TemplatePage templateId={null} />;
  if (/^\/administration\/brevskabeloner\/?$/.test(path)) {
    return (
      <>
        <TemplateList />
        <LetterheadSection />
      </>
    );
  }
  return <NotFound />;
}
