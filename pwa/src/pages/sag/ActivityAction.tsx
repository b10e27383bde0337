// The action on an open activity on the case page, in ONE place: the Overblik's "Det skal
// gøres" and Forløb's "Åbne aktiviteter" both render it. It is CompleteActivity: one click
// where the rule asks for nothing, the rule's form in a dialog where the law expects a record
// (the 24-hour assessment, …), and for an activity another flow completes (the
// investigation's "Afslut", a step, the plan) the way to that flow: on Forløb the flow's form
// opens; on Overblik Forløb opens with it (?udfoer=…).
import { useQueryClient } from '@tanstack/react-query';
import type { ActivityRead } from '../../api/client';
import { Link, navigate } from '../../router';
import { CompleteActivity, flowHref, type CompletionFlow } from './CompleteActivity';
import { caseKeys } from './queries';

// Activities a letter completes or records: the letter is one click away (breve/NytBrev.tsx
// chooses the template by its purpose).
const LETTERS: Record<string, { label: string; purpose: string }> = {
  'kvittering-fagperson': { label: 'Skriv kvittering', purpose: 'kvittering' },
  partshoering: { label: 'Skriv partshøring', purpose: 'partshoering' },
  boernesamtale: { label: 'Indkald til børnesamtale', purpose: 'boernesamtale' },
};

export function ActivityAction({
  activity,
  onDone,
  onFlow,
}: {
  activity: ActivityRead;
  /** Say on the page what happened (the button is gone when the case is fetched again). */
  onDone: (heading: string) => void;
  /** Open the flow that completes it here (Forløb); else Forløb opens with it. */
  onFlow?: (flow: CompletionFlow) => void;
}) {
  const queryClient = useQueryClient();
  const letter = activity.rule_id ? LETTERS[activity.rule_id] : undefined;
  return (
    <div className="activity-action">
      {letter ? (
        <Link to={`/sager/${activity.hovedsag_id}/breve/ny?formaal=${letter.purpose}`} className="button button-primary">
          {letter.label}
        </Link>
      ) : null}
      <CompleteActivity
        activity={activity}
        onFlow={(flow) =>
          onFlow
            ? onFlow(flow)
            : navigate(flowHref(activity, flow))
        }
        onReloaded={() => onDone('Sagen er hentet igen: aktiviteten var ændret af en anden')}
        onCompleted={() => {
          onDone(`${activity.title} er markeret som udført`);
          void queryClient.invalidateQueries({ queryKey: caseKeys.case(activity.hovedsag_id) });
        }}
      />
    </div>
  );
}
