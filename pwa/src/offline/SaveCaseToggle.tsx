// On the case page: take a case that is not one's own along on home visits (or not).
import { useState } from 'react';
import { api, call, messageOf } from '../api/client';
import { useApi } from '../useApi';
import { useOfflineAccess } from './access';
import { download } from './sync';
import * as vault from './vault';

export function SaveCaseToggle({ caseId }: { caseId: string }) {
  const [choices, , update] = useApi((signal) => call(api.GET('/api/offline/choices', { signal })));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const allowed = useOfflineAccess();
  if (choices.state !== 'ready' || allowed !== true) return null;
  const chosen = choices.data.hovedsag_ids.includes(caseId);

  const toggle = async () => {
    if (busy) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const next = chosen
        ? await call(api.DELETE('/api/offline/choices/{case_id}', { params: { path: { case_id: caseId } } }))
        : await call(api.PUT('/api/offline/choices/{case_id}', { params: { path: { case_id: caseId } } }));
      update(() => next);
      const unlocked = vault.getSnapshot().status === 'unlocked' && vault.getSnapshot().device?.savedAt;
      setMessage(
        chosen
          ? 'Sagen er taget ud af hjemmebesøg.'
          : unlocked
            ? 'Sagen er taget med på hjemmebesøg og gemmes på enheden.'
            : 'Sagen tages med, næste gang du gemmer til hjemmebesøg.',
      );
      if (unlocked) void download().catch(() => undefined);
    } catch (err) {
      setMessage(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="case-shortcuts">
      <button
        type="button"
        className={`button button-tertiary button-small ${busy ? 'spinner-active' : ''}`.trim()}
        aria-pressed={chosen}
        aria-disabled={busy || undefined}
        onClick={() => void toggle()}
      >
        Tag med på hjemmebesøg
      </button>
      <span role="status" className="cell-note">
        {message ?? ''}
      </span>
    </div>
  );
}
