// Adding files to a case: drop them anywhere on the place "Dokumenter og breve" or pick them
// with "Vælg filer" (the keyboard's way in), several at once. Each file gets a row where the
// caseworker sets title (from the file name), kind, date (today), enkeltsag and "Indgået post";
// "Tilføj" sends them one by one — the metadata first (POST, checked before any bytes move),
// then the bytes (PUT, with progress). What the browser can tell (empty, over 100 MB, a type
// that is not allowed) is said before anything is sent; what the API refuses is said next to
// the file, which can be tried again or removed without touching the others.
import { useRef, useState, type DragEvent, type FormEvent, type ReactNode } from 'react';
import { ApiError, fieldErrors, messageOf, type EnkeltsagRead } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { Checkbox, SelectField, TextField } from '../../../components/Form';
import { Icon } from '../../../components/Icon';
import { plural, todayInCopenhagen } from '../../../format';
import { useSubmit } from '../../../mutation';
import { enkeltsagLabel } from '../../JournalFilter';
import {
  ACCEPT,
  createDocument,
  docKeys,
  formatSize,
  kindFrom,
  KINDS,
  putContent,
  refusal,
  titleFrom,
  type DocumentKind,
} from './docApi';

type Status = 'ny' | 'afvist' | 'uploader' | 'fejl';

type Item = {
  key: string;
  file: File;
  title: string;
  kind: DocumentKind | '';
  dated: string;
  enkeltsag: string;
  incoming: boolean;
  status: Status;
  progress: number;
  errors: Record<string, string>;
  /** Why it failed (refused before the upload, or the API's answer about no field). */
  problem?: string;
};

let counter = 0;

function itemOf(file: File): Item {
  const refused = refusal(file);
  counter += 1;
  return {
    key: `f${counter}`,
    file,
    title: titleFrom(file.name),
    kind: kindFrom(file.name),
    dated: todayInCopenhagen(),
    enkeltsag: '',
    incoming: false,
    status: refused ? 'afvist' : 'ny',
    progress: 0,
    errors: {},
    problem: refused ?? undefined,
  };
}

function check(item: Item): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!item.title.trim()) errors.title = 'Skriv en titel';
  if (!item.kind) errors.kind = 'Vælg dokumentets type';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(item.dated)) errors.dated = 'Skriv datoen som dd.mm.åååå';
  return errors;
}

/** Field names of the API's 400 answer that belong to a field of the row (the rest: the file). */
const ROW_FIELDS = ['title', 'kind', 'dated', 'enkeltsag_id'];

export function UploadArea({
  caseId,
  enkeltsager,
  enabled,
  onAdded,
  children,
}: {
  caseId: string;
  enkeltsager: EnkeltsagRead[];
  /** May the user add documents here (write access, an open case)? */
  enabled: boolean;
  /** After a batch: how many were added. */
  onAdded?: (count: number) => void;
  /** The rest of the place (the list): dropping onto it adds files too. */
  children: ReactNode;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [added, setAdded] = useState(0);
  const [failedCount, setFailedCount] = useState(0);
  const [progress, setProgress] = useState<{ n: number; of: number; pct: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const depth = useRef(0);
  const { run, busy } = useSubmit({ invalidates: [docKeys.all] });

  const addFiles = (files: FileList | File[]) => {
    const list = Array.from(files);
    if (list.length === 0) return;
    setAdded(0);
    setFailedCount(0);
    setItems((xs) => [...xs, ...list.map(itemOf)]);
    // The first new row's title, so the person can go on from the keyboard.
    requestAnimationFrame(() => {
      const rows = document.querySelectorAll<HTMLInputElement>('.upload-item input.form-input');
      rows[rows.length - list.length]?.focus();
    });
  };

  const change = (key: string, patch: Partial<Item>, field?: string) =>
    setItems((xs) =>
      xs.map((x) => {
        if (x.key !== key) return x;
        const errors = { ...x.errors };
        if (field) delete errors[field];
        return { ...x, ...patch, errors };
      }),
    );
  const remove = (key: string) => setItems((xs) => xs.filter((x) => x.key !== key));

  const send = async (only?: string) => {
    if (busy) return;
    const ready = items.filter((x) => (only ? x.key === only : x.status === 'ny' || x.status === 'fejl'));
    const checked = ready.map((x) => ({ x, errors: check(x) }));
    if (checked.some((c) => Object.keys(c.errors).length > 0)) {
      setItems((xs) =>
        xs.map((x) => {
          const c = checked.find((y) => y.x.key === x.key);
          return c ? { ...x, errors: c.errors } : x;
        }),
      );
      const first = checked.find((c) => Object.keys(c.errors).length > 0);
      if (first) document.getElementById(`${first.x.key}-${Object.keys(first.errors)[0]}`)?.focus();
      return;
    }
    if (ready.length === 0) return;
    let done = 0;
    const failed: string[] = [];
    await run(async () => {
      for (const [i, x] of ready.entries()) {
        setProgress({ n: i + 1, of: ready.length, pct: 0 });
        change(x.key, { status: 'uploader', progress: 0, problem: undefined, errors: {} });
        try {
          const created = await createDocument(
            caseId,
            { title: x.title.trim(), kind: x.kind as DocumentKind, dated: x.dated, enkeltsag_id: x.enkeltsag || null, incoming: x.incoming },
            x.file,
          );
          await putContent(created.upload_url, x.file, (f) => {
            const pct = Math.floor(f * 100);
            change(x.key, { progress: pct });
            setProgress({ n: i + 1, of: ready.length, pct });
          });
          done += 1;
          setItems((xs) => xs.filter((y) => y.key !== x.key));
        } catch (err) {
          const fields = fieldErrors(err);
          const mine = Object.fromEntries(Object.entries(fields).filter(([k]) => ROW_FIELDS.includes(k)));
          const other = Object.entries(fields).filter(([k]) => !ROW_FIELDS.includes(k)).map(([, m]) => m);
          const problem =
            other.length > 0
              ? other.join(' ')
              : Object.keys(mine).length > 0
                ? undefined
                : err instanceof ApiError
                  ? messageOf(err)
                  : 'Filen kunne ikke sendes.';
          change(x.key, { status: 'fejl', errors: mine, problem });
          failed.push(x.key);
        }
      }
    });
    setProgress(null);
    setAdded(done);
    setFailedCount(failed.length);
    if (done > 0) onAdded?.(done);
    // Keyboard and screen-reader users land on the first file that needs them.
    if (failed[0]) {
      const key = failed[0];
      requestAnimationFrame(() => document.getElementById(`${key}-name`)?.focus());
    }
  };

  const open = () => input.current?.click();
  const pending = items.filter((x) => x.status === 'ny' || x.status === 'fejl');

  const dragProps = enabled
    ? {
        onDragEnter: (e: DragEvent) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          depth.current += 1;
          setDragging(true);
        },
        onDragOver: (e: DragEvent) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        },
        onDragLeave: () => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragging(false);
        },
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          depth.current = 0;
          setDragging(false);
          if (!busy) addFiles(e.dataTransfer.files);
        },
      }
    : {};

  const refused = items.filter((x) => x.status === 'afvist').length;
  const liveText = progress
    ? `Uploader ${progress.n} af ${progress.of}`
    : [
        added > 0 ? `${plural(added, 'dokument', 'dokumenter')} tilføjet sagen.` : '',
        failedCount > 0 ? `${plural(failedCount, 'fil', 'filer')} blev ikke tilføjet.` : '',
        pending.length > 0 && added === 0 && failedCount === 0
          ? `${plural(pending.length, 'fil', 'filer')} klar til at blive tilføjet.`
          : '',
        refused > 0 ? `${plural(refused, 'fil', 'filer')} kan ikke tilføjes.` : '',
      ]
        .filter(Boolean)
        .join(' ');

  return (
    <div className={`upload-area ${dragging ? 'upload-dragging' : ''}`.trim()} {...dragProps}>
      {enabled ? (
        <section aria-labelledby="upload-heading" className="upload">
          <h3 id="upload-heading" className="sr-only">
            Tilføj dokumenter
          </h3>
          <div className="upload-drop">
            <Icon name="upload" className="upload-icon" />
            <p className="upload-drop-text">Træk filer hertil, eller</p>
            <button type="button" className="button button-secondary upload-pick" onClick={open} disabled={busy}>
              Vælg filer
            </button>
            <input
              ref={input}
              type="file"
              multiple
              accept={ACCEPT}
              className="sr-only"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => {
                if (e.target.files) addFiles(e.target.files);
                e.target.value = '';
              }}
            />
            <p className="form-hint upload-hint">PDF, Word, ODT, Excel, billeder, e-mails og tekst – højst 100 MB pr. fil.</p>
          </div>
          <p className="sr-only" role="status" aria-live="polite">
            {liveText}
          </p>
          {added > 0 && items.length === 0 ? (
            <Alert variant="success" heading={`${plural(added, 'dokument', 'dokumenter')} tilføjet sagen`} />
          ) : null}
          {items.length > 0 ? (
            <form
              className="upload-form"
              noValidate
              aria-label="Filer, der skal tilføjes"
              onSubmit={(e: FormEvent) => {
                e.preventDefault();
                void send();
              }}
            >
              {progress ? (
                <div className="upload-progress" aria-hidden="true">
                  Uploader {progress.n} af {progress.of} … {progress.pct} %
                </div>
              ) : null}
              <ul className="upload-list nobullet-list no-max-width">
                {items.map((x) => (
                  <UploadRow
                    key={x.key}
                    item={x}
                    enkeltsager={enkeltsager}
                    busy={busy}
                    onChange={(patch, field) => change(x.key, patch, field)}
                    onRemove={() => remove(x.key)}
                    onRetry={() => void send(x.key)}
                  />
                ))}
              </ul>
              {pending.length > 0 ? (
                <div className="button-row">
                  <button
                    type="submit"
                    className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
                    aria-disabled={busy || undefined}
                  >
                    {pending.length === 1 ? 'Tilføj' : `Tilføj ${pending.length} filer`}
                  </button>
                  <button
                    type="button"
                    className="button button-tertiary"
                    disabled={busy}
                    onClick={() => setItems([])}
                  >
                    Fortryd
                  </button>
                </div>
              ) : null}
            </form>
          ) : null}
        </section>
      ) : null}
      {children}
      {dragging ? (
        <div className="upload-overlay" aria-hidden="true">
          <p>Slip filerne for at tilføje dem til sagen</p>
        </div>
      ) : null}
    </div>
  );
}

function UploadRow({
  item: x,
  enkeltsager,
  busy,
  onChange,
  onRemove,
  onRetry,
}: {
  item: Item;
  enkeltsager: EnkeltsagRead[];
  busy: boolean;
  onChange: (patch: Partial<Item>, field?: string) => void;
  onRemove: () => void;
  onRetry: () => void;
}) {
  const id = (f: string) => `${x.key}-${f}`;
  const uploading = x.status === 'uploader';
  return (
    <li className={`upload-item upload-${x.status}`} aria-labelledby={id('name')}>
      <div className="upload-item-head">
        <p className="upload-item-name" id={id('name')} tabIndex={-1}>
          <Icon name={x.status === 'afvist' || x.status === 'fejl' ? 'error' : 'document'} className="upload-item-icon" />
          <span className="upload-filename">{x.file.name}</span>{' '}
          <span className="cell-note">{formatSize(x.file.size)}</span>
        </p>
        {!uploading ? (
          <button type="button" className="button button-tertiary button-small upload-remove" onClick={onRemove} disabled={busy}>
            Fjern<span className="sr-only"> {x.file.name}</span>
          </button>
        ) : null}
      </div>
      {x.problem ? (
        <p className="form-error-message upload-problem" id={id('problem')}>
          <span className="sr-only">Fejl: </span>
          {x.problem}
        </p>
      ) : null}
      {uploading ? (
        <div className="upload-item-progress">
          <label htmlFor={id('progress')} className="sr-only">
            Uploader {x.file.name}
          </label>
          <progress id={id('progress')} max={100} value={x.progress} />
          <span aria-hidden="true">{x.progress} %</span>
        </div>
      ) : null}
      {x.status === 'afvist' ? null : (
        <fieldset className="upload-fields" disabled={uploading}>
          <legend className="sr-only">Oplysninger om {x.file.name}</legend>
          <div className="upload-title">
            <TextField
              id={id('title')}
              label="Titel"
              value={x.title}
              onChange={(v) => onChange({ title: v }, 'title')}
              error={x.errors.title}
              width="input-width-xl"
            />
          </div>
          <SelectField
            id={id('kind')}
            label="Type"
            value={x.kind}
            onChange={(v) => onChange({ kind: v as DocumentKind }, 'kind')}
            choices={[{ value: '', label: 'Vælg type' }, ...KINDS]}
            error={x.errors.kind}
          />
          <TextField
            id={id('dated')}
            label="Dato"
            type="date"
            value={x.dated}
            onChange={(v) => onChange({ dated: v }, 'dated')}
            error={x.errors.dated}
            width="input-width-s"
          />
          {enkeltsager.length > 0 ? (
            <SelectField
              id={id('enkeltsag_id')}
              label="Enkeltsag"
              value={x.enkeltsag}
              onChange={(v) => onChange({ enkeltsag: v }, 'enkeltsag_id')}
              choices={[{ value: '', label: 'Hele sagen' }, ...enkeltsager.map((e) => ({ value: e.id, label: enkeltsagLabel(e) }))]}
              error={x.errors.enkeltsag_id}
            />
          ) : null}
          <Checkbox
            id={id('incoming')}
            label="Indgået post"
            hint="Vises under „Indgået post“, til den er behandlet"
            checked={x.incoming}
            onChange={(v) => onChange({ incoming: v })}
          />
        </fieldset>
      )}
      {x.status === 'fejl' ? (
        <button type="button" className="button button-secondary button-small upload-retry" onClick={onRetry} disabled={busy}>
          Prøv igen<span className="sr-only"> med {x.file.name}</span>
        </button>
      ) : null}
    </li>
  );
}
