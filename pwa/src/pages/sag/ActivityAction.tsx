// The action on an open activity on the case page ("Udført"), in ONE place: the Overblik's
// "Det skal gøres" and Forløb's "Åbne aktiviteter" both render it, so a change to how an
// activity is completed (a record of what was done) lands here alone.
import { useQueryClient } from '@tanstack/react-query';
import { api, call, type ActivityRead } from '../../api/client';
import { useSubmit } from '../../mutation';
import { caseKeys } from './queries';

export function ActivityAction({
  activity,
  onDone,
}: {
  activity: ActivityRead;
  /** Say on the page what happened (the button is gone when the case is fetched again). */
  onDone: (heading: string) => void;
}) {
  const queryClient = useQueryClient();
  const { run, busy, general } = useSubmit();
  const complete = () => {
    void run(async () => {
      await call(
        api.POST('/api/activities/{activity_id}/complete', {
          params: { path: { activity_id: activity.id } },
          body: { version: activity.version },
        }),
      );
      onDone(`${activity.title} er markeret som udført`);
      void queryClient.invalidateQueries({ queryKey: caseKeys.case(activity.hovedsag_id) });
    });
  };
  return (
    <div className="activity-action">
      <button
        type="button"
        className={`button button-secondary button-small ${busy ? 'spinner-active' : ''}`.trim()}
        aria-label={`Markér ${activity.title} som udført`}
        aria-disabled={busy || undefined}
        onClick={() => {
          if (!busy) complete();
        }}
      >
        Udført
      </button>
      {general ? (
        <p className="form-error-message" role="alert">
          {general}
        </p>
      ) : null}
    </div>
  );
}
