// "Journal", a place of the case page: "Skriv notat" (a dialog; "Ret" opens it on a note), the
// filter folded away behind "Filtrér journalen" (the active filter shown as a line) and the
// paged list of entries, newest first.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type CaseRead, type JournalEntryRead } from '../../api/client';
import { journalKindLabel } from '../../casework';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea, TextField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatDeadline, formatDeadlineDate, formatNumber } from '../../format';
import { Pager } from '../../components/Pager';
import { enkeltsagLabel, isFiltered, JournalFilter, NO_FILTER, type JournalCriteria } from '../JournalFilter';
import { useSubmit } from '../../mutation';
import { caseKeys, failureOf, useJournal } from './queries';
import { OutcomeAlert, type Outcome } from './shared';

const PAGE_SIZE = 20;

const N_FIELDS: Record<string, [string, string]> = {
  title: ['note-title', 'Overskrift'],
  body: ['note-body', 'Notat'],
};

function NoteForm({
  caseId,
  correcting,
  onClose,
  onSaved,
}: {
  caseId: string;
  correcting: JournalEntryRead | null;
  onClose: () => void;
  onSaved: (heading: string) => void;
}) {
  const [title, setTitle] = useState(correcting?.title ?? '');
  const [body, setBody] = useState(correcting?.body ?? '');
  const queryClient = useQueryClient();
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const save = (note: { title: string; body: string; corrects: number | null }) => {
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/cases/{case_id}/journal', {
          params: { path: { case_id: caseId } },
          body: { title: note.title, body: note.body, corrects_id: note.corrects },
        }),
      );
      onSaved(note.corrects !== null ? 'Rettelsen er gemt' : 'Notatet er gemt');
      // Only the journal changed.
      void queryClient.invalidateQueries({ queryKey: [...caseKeys.case(caseId), 'journal'] });
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    save({ title: title.trim(), body, corrects: correcting ? correcting.id : null });
  };

  return (
    <FormDialog title={correcting ? 'Ret notat' : 'Skriv notat'} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form note-form">
        <ErrorSummary errors={errors} fields={N_FIELDS} />
        {failure ? (
          <Alert variant="error" heading={correcting ? 'Rettelsen blev ikke gemt' : 'Notatet blev ikke gemt'}>
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        {correcting ? (
          <Alert variant="info" role="note" heading={`Du retter notatet „${correcting.title}“`}>
            <p>Notatet bliver stående i journalen. Din rettelse gemmes som et nyt indlæg, der henviser til det.</p>
          </Alert>
        ) : null}
        <TextField
          id="note-title"
          label="Overskrift"
          value={title}
          onChange={(v) => {
            setTitle(v);
            setErrors(withoutKey('title'));
          }}
          error={errors.title}
        />
        <TextArea
          id="note-body"
          label="Notat"
          value={body}
          onChange={(v) => {
            setBody(v);
            setErrors(withoutKey('body'));
          }}
          error={errors.body}
          rows={6}
        />
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Gem notat
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}

const KIND_WORDS: Record<string, string> = { haendelse: 'hændelser', notat: 'notater', rettelse: 'rettelser' };

/** The active filter in words: "Kun notater · fra 01.11.2026". */
function filterLine(c: JournalCriteria, enkeltsager: CaseRead['enkeltsager']): string {
  const parts: string[] = [];
  if (c.kind) parts.push(`kun ${KIND_WORDS[c.kind] ?? c.kind}`);
  const e = enkeltsager.find((x) => x.id === c.enkeltsag);
  if (e) parts.push(enkeltsagLabel(e));
  if (c.since) parts.push(`fra ${formatDeadlineDate(c.since)}`);
  if (c.until) parts.push(`til ${formatDeadlineDate(c.until)}`);
  const line = parts.join(' · ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

function JournalEntry({
  entry,
  canWrite,
  onCorrect,
}: {
  entry: JournalEntryRead;
  canWrite: boolean;
  onCorrect: (entry: JournalEntryRead) => void;
}) {
  const titleId = `journal-${entry.id}-title`;
  const badge =
    entry.kind === 'notat' ? 'badge-info' : entry.kind === 'rettelse' ? 'badge-warning' : 'badge-success';
  return (
    <li id={`journal-${entry.id}`} className={`journal-entry journal-${entry.kind}`}>
      <div className="journal-entry-inner">
        <p className="journal-meta">
          <span className={`badge ${badge}`}>{journalKindLabel(entry.kind)}</span>{' '}
          <time dateTime={entry.at}>{formatDeadline(entry.at)}</time> · {entry.author_name}
          {entry.written_at ? (
            <>
              {' '}
              · skrevet offline <time dateTime={entry.written_at}>{formatDeadline(entry.written_at)}</time>
            </>
          ) : null}
        </p>
        <h4 id={titleId} className="h5 journal-title">
          {entry.title}
        </h4>
        {entry.corrects ? (
          <p className="journal-ref">
            Retter <a href={`#journal-${entry.corrects.id}`}>notatet „{entry.corrects.title}“</a> fra{' '}
            {formatDeadline(entry.corrects.at)}
          </p>
        ) : null}
        {entry.received_from ? (
          <p className="journal-ref">Overført fra {entry.received_from.replace(/^\d{4} /, '')}</p>
        ) : null}
        {entry.corrections.length > 0 ? (
          <p className="journal-ref journal-corrected">
            Rettet{' '}
            {entry.corrections.map((c, i) => (
              <span key={c.id}>
                {i > 0 ? ', ' : ''}
                <a href={`#journal-${c.id}`}>
                  {formatDeadline(c.at)} af {c.author_name}
                </a>
              </span>
            ))}
          </p>
        ) : null}
        {entry.body ? <p className="journal-body">{entry.body}</p> : null}
        {canWrite && entry.kind === 'notat' ? (
          <button
            type="button"
            className="button button-tertiary button-small"
            aria-describedby={titleId}
            onClick={() => onCorrect(entry)}
          >
            Ret
          </button>
        ) : null}
      </div>
    </li>
  );
}

export function Journal({
  caseId,
  canWrite,
  enkeltsager,
}: {
  caseId: string;
  canWrite: boolean;
  enkeltsager: CaseRead['enkeltsager'];
}) {
  const [filter, setFilter] = useState<JournalCriteria>(NO_FILTER);
  const [page, setPage] = useState(1);
  // The note dialog: closed (null), a new note, or a correction of an entry.
  const [writing, setWriting] = useState<{ correcting: JournalEntryRead | null } | null>(null);
  const [saved, setSaved] = useState<Outcome>(null);
  const [showFilter, setShowFilter] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  // A change to the case (or a note) fetches the journal again (['case', id] is its prefix);
  // meanwhile the list gives way to "Henter journalen …".
  const journal = useJournal(caseId, filter, page, PAGE_SIZE);
  const loading = journal.isFetching;
  const data = loading ? null : (journal.data ?? null);
  const error = !loading && journal.isError ? failureOf(journal.error) : null;

  useEffect(() => {
    if (data && moved.current) {
      moved.current = false;
      listRef.current?.focus();
    }
  }, [data]);

  const go = (to: number) => {
    moved.current = true;
    setPage(to);
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;

  return (
    <section aria-labelledby="journal-heading" className="case-section journal">
      <h2 id="journal-heading">Journal</h2>
      {canWrite ? (
        <div className="case-actions">
          <button
            type="button"
            className="button button-primary case-action"
            aria-haspopup="dialog"
            onClick={() => {
              setSaved(null);
              setWriting({ correcting: null });
            }}
          >
            Skriv notat
          </button>
        </div>
      ) : null}
      {writing ? (
        <NoteForm
          caseId={caseId}
          correcting={writing.correcting}
          onClose={() => setWriting(null)}
          onSaved={(heading) => {
            setWriting(null);
            setSaved({ heading });
            setFilter(NO_FILTER);
            setPage(1);
          }}
        />
      ) : null}
      <OutcomeAlert outcome={saved} />

      <h3 id="journal-entries-heading">Indlæg</h3>
      <div className="journal-filter-bar">
        <button
          type="button"
          className="button button-secondary case-action"
          aria-expanded={showFilter}
          aria-controls="journal-filter"
          onClick={() => setShowFilter((v) => !v)}
        >
          Filtrér journalen
        </button>
        {isFiltered(filter) ? (
          <p className="journal-filter-line">
            <span className="sr-only">Filter: </span>
            {filterLine(filter, enkeltsager)}{' '}
            <button
              type="button"
              className="button button-tertiary button-small"
              onClick={() => {
                setFilter(NO_FILTER);
                setPage(1);
              }}
            >
              Vis alle
            </button>
          </p>
        ) : null}
      </div>
      <div id="journal-filter" hidden={!showFilter}>
        <JournalFilter
          enkeltsager={enkeltsager}
          applied={filter}
          busy={loading}
          onApply={(criteria) => {
            setFilter(criteria);
            setPage(1);
          }}
        />
      </div>
      <div aria-busy={loading}>
        <p role="status" className="audit-count">
          {data && data.total > 0
            ? `${formatNumber(data.total)} indlæg${isFiltered(filter) ? ', der matcher filteret' : ''}, nyeste først`
            : ''}
        </p>
        {loading ? <Loading text="Henter journalen …" /> : null}
        {error ? (
          <Alert
            variant="error"
            heading={error.status === 404 ? 'Sagen findes ikke, eller du er ikke på sagen' : 'Journalen kunne ikke hentes'}
            action={
              error.status === 404 ? null : (
                <button type="button" className="button button-secondary" onClick={() => void journal.refetch()}>
                  Prøv igen
                </button>
              )
            }
          >
            <p>{error.message}</p>
          </Alert>
        ) : null}
        {data && data.items.length === 0 ? (
          <p className="empty-state">
            {isFiltered(filter) ? 'Ingen indlæg matcher filteret' : 'Der er ingen indlæg i journalen endnu.'}
          </p>
        ) : null}
        {data && data.items.length > 0 ? (
          <>
            <div ref={listRef} tabIndex={-1} aria-labelledby="journal-entries-heading" role="region">
              <ol className="journal-list">
                {data.items.map((e) => (
                  <JournalEntry
                    key={e.id}
                    entry={e}
                    canWrite={canWrite}
                    onCorrect={(entry) => {
                      setSaved(null);
                      setWriting({ correcting: entry });
                    }}
                  />
                ))}
              </ol>
            </div>
            {pages > 1 || data.page > 1 ? (
              <Pager label="Sider i journalen" page={data.page} pages={pages} onGo={go} />
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
