import { useEffect, useRef, useState } from 'react';
import { api, ApiError, call, errorDetail, messageOf } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { plural } from '../../format';

type Job = components['schemas']['ExportJobRead'];

type State =
  | { state: 'idle' }
  | { state: 'busy' }
  | { state: 'done'; filename: string }
  | { state: 'job'; job: Job }
  | { state: 'error'; message: string };

/** Hand a downloaded file to the browser (an <a download> on an object URL). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The filename of a Content-Disposition header, or the fallback. */
export function filenameOf(response: Response, fallback: string): string {
  const header = response.headers.get('Content-Disposition') ?? '';
  const m = /filename="?([^";]+)"?/i.exec(header);
  return m?.[1] ?? fallback;
}

/**
 * "Eksportér til Excel" (POST /api/exports): a small result comes back as the file and is
 * downloaded at once; a large one starts a job, shown with a progress bar (polling
 * GET /api/exports/{id}) and a download link when it is ready.
 */
export function ExportButton({
  source,
  params,
  label = 'Eksportér til Excel',
  what,
}: {
  source: string;
  params: Record<string, unknown>;
  label?: string;
  /** what is exported, for screen readers ("Underretninger efter kilde") */
  what?: string;
}) {
  const [state, setState] = useState<State>({ state: 'idle' });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // Poll a running job once a second until it is ready or failed.
  const jobId = state.state === 'job' && state.job.status === 'venter' ? state.job.id : null;
  useEffect(() => {
    if (!jobId) return;
    const ctrl = new AbortController();
    const timer = window.setTimeout(() => {
      call(api.GET('/api/exports/{export_id}', { params: { path: { export_id: jobId } }, signal: ctrl.signal })).then(
        (job) => {
          if (!ctrl.signal.aborted) setState({ state: 'job', job });
        },
        (err: unknown) => {
          if (!ctrl.signal.aborted) setState({ state: 'error', message: messageOf(err) });
        },
      );
    }, 1000);
    return () => {
      ctrl.abort();
      window.clearTimeout(timer);
    };
  }, [jobId, state]);

  const start = async () => {
    if (state.state === 'busy' || jobId) return;
    setState({ state: 'busy' });
    try {
      const { data, error, response } = await api.POST('/api/exports', {
        body: { source, params },
        parseAs: 'blob',
      });
      if (!response.ok) throw new ApiError(response.status, errorDetail(response.status, error), error);
      if (!alive.current) return;
      if (response.status === 202) {
        const job = JSON.parse(await (data as Blob).text()) as Job;
        setState({ state: 'job', job });
        return;
      }
      const filename = filenameOf(response, `${source}.xlsx`);
      saveBlob(data as Blob, filename);
      setState({ state: 'done', filename });
    } catch (err) {
      if (!alive.current) return;
      let message = messageOf(err);
      if (err instanceof DOMException || err instanceof TypeError) message = messageOf(new ApiError(0, 'Trekant kunne ikke kontakte serveren. Tjek din forbindelse og prøv igen.'));
      if (err instanceof ApiError && err.status === 403) message = 'Du har ikke adgang til at eksportere disse data.';
      setState({ state: 'error', message });
    }
  };

  const busy = state.state === 'busy' || !!jobId;
  return (
    <div className="mi-export">
      <button
        type="button"
        className={`button button-secondary button-small ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
        onClick={() => void start()}
      >
        {label}
        {what ? <span className="sr-only">: {what}</span> : null}
      </button>
      <div role="status" className="mi-export-status">
        {state.state === 'busy' ? <span>Danner Excel-filen …</span> : null}
        {state.state === 'done' ? <span>Excel-filen {state.filename} er hentet.</span> : null}
        {state.state === 'job' && state.job.status === 'venter' ? (
          <span>
            <label htmlFor={`job-${state.job.id}`}>
              Stort udtræk{state.job.total_rows ? ` (${plural(state.job.total_rows, 'række', 'rækker')})` : ''}:{' '}
              {state.job.message ?? 'danner filen'} – {state.job.percent ?? 0} %
            </label>
            <progress id={`job-${state.job.id}`} max={100} value={state.job.percent ?? 0} className="mi-progress">
              {state.job.percent ?? 0} %
            </progress>
          </span>
        ) : null}
        {state.state === 'job' && state.job.status === 'klar' && state.job.download_url ? (
          <span>
            Excel-filen er klar:{' '}
            <a href={state.job.download_url} download={state.job.filename ?? undefined}>
              Hent {state.job.filename ?? 'Excel-filen'}
            </a>{' '}
            (gemmes i et døgn)
          </span>
        ) : null}
      </div>
      {state.state === 'job' && state.job.status === 'fejlet' ? (
        <Alert variant="error" heading="Eksporten mislykkedes">
          <p>{state.job.error ?? 'Prøv igen om lidt.'}</p>
        </Alert>
      ) : null}
      {state.state === 'error' ? (
        <Alert variant="error" heading="Excel-filen kunne ikke dannes">
          <p>{state.message}</p>
        </Alert>
      ) : null}
    </div>
  );
}
