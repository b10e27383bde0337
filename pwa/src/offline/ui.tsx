// Small pieces shared by the offline screens: the vault's state as a hook, the passphrase
// forms, the download progress bar, "Ikke synkroniseret" markers.
import { useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { Alert } from '../components/Alert';
import { ErrorSummary } from '../components/Form';
import { formatDeadline, formatNumber } from '../format';
import { MIN_PASSPHRASE } from './crypto';
import { enroll, prfAvailable, prfPossible, unlockWithDevice } from './prf';
import * as vault from './vault';
import './offline.css';

export function useOffline(): vault.Snapshot {
  return useSyncExternalStore(vault.subscribe, vault.getSnapshot);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;
  return `${(bytes / (1024 * 1024)).toLocaleString('da-DK', { maximumFractionDigits: 1 })} MB`;
}

export function cases(n: number): string {
  return n === 1 ? '1 sag' : `${formatNumber(n)} sager`;
}

export function changes(n: number): string {
  return n === 1 ? '1 ændring' : `${formatNumber(n)} ændringer`;
}

export function NotSynced({ conflict = false }: { conflict?: boolean }) {
  return conflict ? (
    <span className="badge badge-error offline-badge">Konflikt – skal løses</span>
  ) : (
    <span className="badge badge-warning offline-badge">Ikke synkroniseret</span>
  );
}

/** A DKFDS-styled password input (the shared TextField has no password type). */
export function PasswordField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  autoComplete,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  autoComplete: 'new-password' | 'current-password';
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="form-error-message" id={errorId}>
          <span className="sr-only">Fejl: </span>
          {error}
        </span>
      ) : null}
      <input
        id={id}
        type="password"
        className="form-input input-width-l"
        value={value}
        autoComplete={autoComplete}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

const SETUP_FIELDS: Record<string, [string, string]> = {
  passphrase: ['offline-pass', 'Adgangsfrase til offline-brug'],
  repeat: ['offline-pass-repeat', 'Gentag adgangsfrasen'],
};

/** Choose the passphrase that protects the offline data on this device. */
export function PassphraseSetup({
  busy,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  onSubmit: (passphrase: string) => void;
  onCancel: () => void;
}) {
  const [pass, setPass] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ref = useRef<HTMLFormElement>(null);

  useEffect(() => {
    ref.current?.querySelector<HTMLInputElement>('#offline-pass')?.focus();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (pass.length < MIN_PASSPHRASE) e.passphrase = `Adgangsfrasen skal have mindst ${MIN_PASSPHRASE} tegn`;
    else if (pass !== repeat) e.repeat = 'De to adgangsfraser er ikke ens';
    setErrors(e);
    if (Object.keys(e).length === 0) onSubmit(pass);
  };

  return (
    <form ref={ref} onSubmit={submit} noValidate className="admin-form offline-form" aria-labelledby="offline-setup-heading">
      <h3 id="offline-setup-heading">Vælg en adgangsfrase til offline-brug</h3>
      <p>
        Sagerne gemmes krypteret på denne enhed. Du skal bruge adgangsfrasen for at åbne dem uden forbindelse. Den
        gemmes ikke nogen steder og kan ikke gendannes – glemmer du den, sletter du offline-data og henter dem igen.
      </p>
      <ErrorSummary errors={errors} fields={SETUP_FIELDS} />
      <PasswordField
        id="offline-pass"
        label="Adgangsfrase til offline-brug"
        hint={`Mindst ${MIN_PASSPHRASE} tegn, gerne flere ord. Brug ikke din adgangskode til Trekant.`}
        value={pass}
        onChange={(v) => {
          setPass(v);
          setErrors({});
        }}
        error={errors.passphrase}
        autoComplete="new-password"
      />
      <PasswordField
        id="offline-pass-repeat"
        label="Gentag adgangsfrasen"
        value={repeat}
        onChange={(v) => {
          setRepeat(v);
          setErrors({});
        }}
        error={errors.repeat}
        autoComplete="new-password"
      />
      <div className="button-row">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Gem til hjemmebesøg
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

/** Unlock the offline data; after MAX_ATTEMPTS wrong passphrases they are wiped. */
export function UnlockForm({ autoFocus = false }: { autoFocus?: boolean }) {
  const snap = useOffline();
  const [pass, setPass] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const inputRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (autoFocus) inputRef.current?.querySelector('input')?.focus();
  }, [autoFocus]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!pass) {
      setError('Skriv adgangsfrasen');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await vault.unlock(pass);
      if (!result.ok && !result.wiped) {
        setError(
          `Forkert adgangsfrase. ${result.remaining === 1 ? 'Du har 1 forsøg tilbage' : `Du har ${result.remaining} forsøg tilbage`}, før offline-data slettes.`,
        );
        requestAnimationFrame(() => inputRef.current?.querySelector('input')?.focus());
      }
      setPass('');
    } finally {
      setBusy(false);
    }
  };

  const withDevice = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (!(await unlockWithDevice())) setError('Oplåsning med skærmlåsen lykkedes ikke. Brug adgangsfrasen.');
    } catch {
      setError('Oplåsning med skærmlåsen blev afbrudt. Brug adgangsfrasen.');
    } finally {
      setBusy(false);
    }
  };

  const waiting = (snap.device?.pending ?? 0) + (snap.device?.conflicts ?? 0);
  return (
    <div className="offline-unlock">
      {snap.prf && prfPossible() ? (
        <button type="button" className="button button-secondary" onClick={() => void withDevice()}>
          Lås op med skærmlås
        </button>
      ) : null}
      {snap.lockedBy === 'inaktivitet' ? (
        <Alert variant="info" heading="Offline-data blev låst efter 15 minutter uden aktivitet" />
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="admin-form offline-form" aria-label="Lås offline-data op">
        <div ref={inputRef}>
          <PasswordField
            id="offline-unlock"
            label="Adgangsfrase"
            hint="Den adgangsfrase, du valgte, da du gemte sagerne til hjemmebesøg"
            value={pass}
            onChange={(v) => {
              setPass(v);
              setError(undefined);
            }}
            error={error}
            autoComplete="current-password"
          />
        </div>
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Lås op
        </button>
      </form>
      {waiting > 0 ? (
        <p className="offline-waiting">
          {changes(waiting)} skrevet på enheden venter på at blive sendt. Lås op, så sendes de, når der er forbindelse.
        </p>
      ) : null}
      {forgetting ? (
        <Alert
          variant="warning"
          role="note"
          heading="Slet offline-data fra enheden?"
          action={
            <div className="button-row">
              <button
                type="button"
                className="button button-primary"
                onClick={() => void vault.wipe('Du har slettet offline-data fra enheden.')}
              >
                Slet offline-data
              </button>
              <button type="button" className="button button-tertiary" onClick={() => setForgetting(false)}>
                Fortryd
              </button>
            </div>
          }
        >
          <p>
            Sagerne hentes igen, næste gang du gemmer til hjemmebesøg.
            {waiting > 0 ? ` ${changes(waiting)}, der ikke er sendt, går tabt.` : ''}
          </p>
        </Alert>
      ) : (
        <button type="button" className="button button-tertiary" onClick={() => setForgetting(true)}>
          Glemt adgangsfrasen?
        </button>
      )}
    </div>
  );
}

/** The download's size and progress. */
export function DownloadProgress({ download }: { download: vault.Download }) {
  const pct = download.total > 0 ? Math.round((100 * download.done) / download.total) : 0;
  return (
    <div className="offline-progress" role="status" aria-live="polite">
      {download.running ? (
        <>
          <label htmlFor="offline-progress-bar" className="form-label">
            Henter sager til hjemmebesøg
          </label>
          <progress id="offline-progress-bar" max={100} value={pct} className="offline-progress-bar">
            {pct} %
          </progress>
          <p className="offline-progress-text">
            {download.total > 0
              ? `${formatNumber(download.done)} af ${cases(download.total)} · ${formatBytes(download.bytes)} af ca. ${formatBytes(download.estimate)}`
              : 'Henter arbejdslisten …'}
          </p>
        </>
      ) : download.error ? (
        <Alert variant="error" heading="Sagerne blev ikke gemt til hjemmebesøg">
          <p>{download.error}</p>
        </Alert>
      ) : download.finishedAt ? (
        <Alert variant="success" heading="Sagerne er gemt til hjemmebesøg">
          <p>
            {cases(download.total)}, {formatBytes(download.bytes)}, krypteret på enheden{' '}
            {formatDeadline(download.finishedAt)}.
          </p>
        </Alert>
      ) : null}
    </div>
  );
}

/** Offer unlocking with the device's screen lock (WebAuthn PRF) where the device has it. */
export function PrfEnroll() {
  const snap = useOffline();
  const [available, setAvailable] = useState(false);
  const [open, setOpen] = useState(false);
  const [pass, setPass] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void prfAvailable().then((a) => live && setAvailable(a));
    return () => {
      live = false;
    };
  }, []);

  if (!available || snap.status !== 'unlocked') return null;
  if (snap.prf) return done ? <Alert variant="success" heading={done} /> : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      if (await enroll(pass)) {
        setDone('Du kan nu låse offline-data op med enhedens skærmlås');
        setOpen(false);
      } else setError('Forkert adgangsfrase, eller enheden tilbyder ikke oplåsning med skærmlås (PRF).');
    } catch {
      setError('Skærmlåsen blev ikke sat op. Du kan stadig bruge adgangsfrasen.');
    } finally {
      setPass('');
      setBusy(false);
    }
  };

  return open ? (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form offline-form" aria-label="Lås op med skærmlås">
      <PasswordField
        id="offline-prf-pass"
        label="Adgangsfrase"
        hint="Bekræft med din adgangsfrase til offline-brug; derefter beder enheden om fingeraftryk, ansigt eller pinkode"
        value={pass}
        onChange={(v) => {
          setPass(v);
          setError(undefined);
        }}
        error={error}
        autoComplete="current-password"
      />
      <div className="button-row">
        <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
          Slå oplåsning med skærmlås til
        </button>
        <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>
          Fortryd
        </button>
      </div>
    </form>
  ) : (
    <button type="button" className="button button-tertiary" onClick={() => setOpen(true)}>
      Lås op med skærmlås (fingeraftryk eller ansigt)
    </button>
  );
}
