// "Forløb" on the case page: where the case is in the legal process (enkeltsager, open
// deadlines, decisions, measures, steps, notifications) and the actions that move it on,
// each a small form opened by a button. After an action the page reloads the case and the
// journal (onChanged) and focus moves to the success message at the top of the section.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, call, can, type CaseRead, type SessionRead } from '../../api/client';
import { NOTIFICATION_CAUSES, NOTIFIER_KINDS, SOURCES } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, formatDeadlineDate, todayInCopenhagen, toLocalInput } from '../../format';
import { AfgoerelseForm, VisitationForm } from './AfgoerelseForm';
import { DatoBegrundelseForm } from './DatoBegrundelseForm';
import {
  dueText,
  enkeltsagLabel,
  movedLines,
  outcomeLabel,
  paragraphShort,
  YOUTH_PARAGRAPH,
  type Done,
  type IndsatsRead,
  type StepRead,
  type ProcessOptions,
  type UnderretningRead,
} from './process';
import { failureOf, useProcessOptions } from './queries';
import { SkridtForm } from './SkridtForm';
import { ActivityAction } from './ActivityAction';
import { OwnActivityButtons } from './EgenAktivitet';
import { KlagerPart } from './Klager';
import { UdvalgPart } from './Udvalg';
import { Indgreb139Part } from './Indgreb139';
import { flowPanel } from './CompleteActivity';
import { Basis } from '../../components/Basis';
import { useSearch } from '../../router';
import { ForeloebigForm } from './Front';

type Panels = Record<string, boolean>;

function label(choices: { value: string; label: string }[], value: string): string {
  return choices.find((c) => c.value === value)?.label ?? value;
}

/** A button that opens and closes the form `panel` (a disclosure). */
function Toggle({
  panel,
  open,
  onToggle,
  children,
  small = false,
  describedBy,
}: {
  panel: string;
  open: boolean;
  onToggle: () => void;
  children: string;
  small?: boolean;
  describedBy?: string;
}) {
  return (
    <button
      type="button"
      id={`${panel}-toggle`}
      className={`button button-secondary ${small ? 'button-small' : ''}`.trim()}
      aria-expanded={open}
      aria-controls={open ? panel : undefined}
      aria-describedby={describedBy}
      onClick={onToggle}
    >
      {children}
    </button>
  );
}

/** The choices the decision and step forms need, with loading and error states. */
function WithOptions({
  panel,
  options,
  children,
}: {
  /** the id the toggle's aria-controls points at, present in every state */
  panel: string;
  options: ReturnType<typeof useProcessOptions>;
  children: (options: ProcessOptions) => ReactNode;
}) {
  if (options.isPending || (options.isError && options.isFetching)) {
    return (
      <div id={panel} aria-busy="true" className="process-form">
        <Loading text="Henter valgmuligheder …" />
      </div>
    );
  }
  if (options.isError) {
    return (
      <div id={panel}>
      <Alert
        variant="error"
        heading="Valgmulighederne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={() => void options.refetch()}>
            Prøv igen
          </button>
        }
      >
        <p>{failureOf(options.error).message}</p>
      </Alert>
      </div>
    );
  }
  return <div id={panel}>{children(options.data)}</div>;
}

/** The caret in a flow's form: on the chosen option if one is chosen, else the first field. */
function focusFirst(panel: string) {
  const form = document.getElementById(panel);
  (
    form?.querySelector<HTMLElement>('input[type=radio]:checked') ??
    form?.querySelector<HTMLElement>('input, select, textarea')
  )?.focus();
}

export function Forloeb({
  hovedsag,
  session,
  loading = false,
  onChanged,
}: {
  hovedsag: CaseRead;
  session: SessionRead;
  /** the case is being fetched again */
  loading?: boolean;
  /** reload the case and the journal (after an action, or "Hent igen") */
  onChanged: () => void;
}) {
  const canWrite = can(session, 'case.write') && !hovedsag.closed_at;
  const options = useProcessOptions();
  // Overblik's "Udfør" on an activity another flow completes opens Forløb with that flow.
  const search = useSearch();
  const udfoer = search.get('udfoer');
  const [open, setOpen] = useState<Panels>(() =>
    udfoer === 'afslut-us' || udfoer === 'skridt' ? { [udfoer]: true } : {},
  );
  // The step kind that completes the activity "Udfør" came from (?skridt=…): chosen already.
  const [stepKind, setStepKind] = useState<string | null>(() => (udfoer === 'skridt' ? search.get('skridt') : null));
  const [done, setDone] = useState<Done | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  // "Træf afgørelse efter § 114" from the § 111 transition: the decision form opens with
  // § 114 chosen, and after the decision the transition opens again with "Ja" chosen.
  const [fromTransition, setFromTransition] = useState(false);

  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const toggle = (panel: string) => () => {
    setDone(null);
    setFromTransition(false);
    if (panel === 'skridt') setStepKind(null);
    setOpen((o) => ({ ...o, [panel]: !o[panel] }));
  };
  const cancel = (panel: string) => () => {
    setOpen((o) => ({ ...o, [panel]: false }));
    requestAnimationFrame(() => document.getElementById(`${panel}-toggle`)?.focus());
  };
  const finish = (panel: string) => (result: Done) => {
    const back = panel === 'afgoerelse' && fromTransition;
    setOpen((o) => ({ ...o, [panel]: false, ...(back ? { skridt: true } : {}) }));
    if (back) setStepKind('overgang');
    setDone(
      back
        ? { ...result, lines: [...(result.lines ?? []), 'Registrér nu overgangen til voksenlivet nedenfor.'] }
        : result,
    );
    onChanged();
  };
  const decideSupport = () => {
    setFromTransition(true);
    setOpen((o) => ({ ...o, skridt: false, afgoerelse: true }));
    requestAnimationFrame(() => focusFirst('afgoerelse'));
  };
  // An activity another flow completes: open that flow's form and put the caret in it.
  useEffect(() => {
    // Opened from Overblik's "Udfør": the caret in the flow's form.
    if (udfoer === 'afslut-us' || udfoer === 'skridt') requestAnimationFrame(() => focusFirst(udfoer));
  }, [udfoer]);
  const openFlow = (panel: string, kind?: string | null) => {
    setDone(null);
    if (panel === 'skridt') setStepKind(kind ?? null);
    setOpen((o) => ({ ...o, [panel]: true }));
    requestAnimationFrame(() => focusFirst(panel));
  };
  const actions = (panel: string) => ({ onDone: finish(panel), onCancel: cancel(panel), onReload: onChanged });

  const caseId = hovedsag.id;
  const enkeltsager = hovedsag.enkeltsager;
  const pending = enkeltsager.find((e) => e.kind === 'afgoerelse' && !e.closed_at);
  const investigation = enkeltsager.find((e) => e.kind === 'undersoegelse' && !e.closed_at);
  const activities = hovedsag.activities
    .filter((a) => a.status === 'open')
    .sort((a, b) => (a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity));
  // § 20, stk. 3: a preliminary assessment replaces the open 4-month deadline.
  const fourMonthsOpen = activities.some((a) => a.rule_id === 'undersoegelse-4-maaneder');
  const afgoerelser = hovedsag.afgoerelser ?? [];
  const indsatser = hovedsag.indsatser ?? [];
  const running = indsatser.filter((i) => !i.ends_on);
  const steps = hovedsag.steps ?? [];
  const supportCount = afgoerelser.filter((a) => a.paragraph === YOUTH_PARAGRAPH).length;
  const underretninger = hovedsag.underretninger ?? [];
  const nothing =
    enkeltsager.length === 0 &&
    activities.length === 0 &&
    afgoerelser.length === 0 &&
    indsatser.length === 0 &&
    steps.length === 0 &&
    underretninger.length === 0;

  return (
    <section aria-labelledby="forloeb-heading" aria-busy={loading || undefined} className="case-section process">
      <h2 id="forloeb-heading">Forløb</h2>
      <div ref={doneRef} tabIndex={-1} className="case-outcome">
        {done ? (
          <Alert variant="success" heading={done.heading}>
            {done.lines && done.lines.length > 0 ? (
              <ul className="process-lines">
                {done.lines.map((line, n) => (
                  <li key={n}>{line}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
      </div>
      {hovedsag.closed_at ? (
        <Alert variant="info" role="note" heading={`Sagen er lukket ${formatDate(hovedsag.closed_at)}`}>
          {hovedsag.close_reason ? <p>{hovedsag.close_reason}</p> : null}
        </Alert>
      ) : null}

      {canWrite ? (
        <>
          <div className="process-actions">
            {pending ? null : (
              <Toggle panel="visitation" open={!!open.visitation} onToggle={toggle('visitation')}>
                Forbered afgørelse
              </Toggle>
            )}
            <Toggle panel="afgoerelse" open={!!open.afgoerelse} onToggle={toggle('afgoerelse')}>
              Træf afgørelse
            </Toggle>
            <Toggle panel="skridt" open={!!open.skridt} onToggle={toggle('skridt')}>
              Registrér skridt
            </Toggle>
            {investigation ? (
              <>
                <Toggle panel="afslut-us" open={!!open['afslut-us']} onToggle={toggle('afslut-us')}>
                  Afslut undersøgelse
                </Toggle>
                {fourMonthsOpen ? (
                  <Toggle panel="foreloebig" open={!!open.foreloebig} onToggle={toggle('foreloebig')}>
                    Foreløbig vurdering
                  </Toggle>
                ) : null}
                <Toggle panel="opmaerksom" open={!!open.opmaerksom} onToggle={toggle('opmaerksom')}>
                  Ret opmærksomhedsdato
                </Toggle>
              </>
            ) : null}
            <OwnActivityButtons
              caseId={caseId}
              childName={hovedsag.child_name.trim() || 'Ufødt barn'}
              enkeltsager={enkeltsager}
              onDone={(o) => finish('aktivitet')({ heading: o?.heading ?? '' })}
            />
            <Toggle panel="luk" open={!!open.luk} onToggle={toggle('luk')}>
              Luk sagen
            </Toggle>
          </div>

          {open.visitation && !pending ? (
            <WithOptions panel="visitation" options={options}>
              {(o) => <VisitationForm caseId={caseId} options={o} {...actions('visitation')} />}
            </WithOptions>
          ) : null}
          {open.afgoerelse ? (
            <WithOptions panel="afgoerelse" options={options}>
              {(o) => (
                <AfgoerelseForm
                  key={fromTransition ? 'ungestoette' : 'afgoerelse'}
                  hovedsag={hovedsag}
                  options={o}
                  initialParagraph={fromTransition ? YOUTH_PARAGRAPH : null}
                  {...actions('afgoerelse')}
                />
              )}
            </WithOptions>
          ) : null}
          {open.skridt ? (
            <WithOptions panel="skridt" options={options}>
              {(o) => (
                <SkridtForm
                  key={`${stepKind ?? ''}-${supportCount}`}
                  hovedsag={hovedsag}
                  options={o}
                  initialKind={stepKind}
                  onDecideSupport={decideSupport}
                  initialSupport={fromTransition && supportCount > 0 ? 'ja' : ''}
                  {...actions('skridt')}
                />
              )}
            </WithOptions>
          ) : null}
          {open['afslut-us'] && investigation ? (
            <DatoBegrundelseForm
              id="afslut-us"
              title="Afslut børnefaglig undersøgelse"
              date={{
                key: 'completed_on',
                label: 'Undersøgelsen er afsluttet den',
                type: 'date',
                initial: todayInCopenhagen(),
                required: 'Angiv datoen, hvor undersøgelsen blev afsluttet',
              }}
              reason={{ key: 'conclusion', label: 'Undersøgelsens konklusion', required: 'Skriv undersøgelsens konklusion' }}
              submitLabel="Gem afslutningen"
              failureHeading="Undersøgelsen blev ikke afsluttet"
              send={async (completedOn, conclusion) => {
                const result = await call(
                  api.POST('/api/cases/{case_id}/undersoegelse/afslut', {
                    params: { path: { case_id: caseId } },
                    body: { completed_on: completedOn, conclusion },
                  }),
                );
                return {
                  heading: `Den børnefaglige undersøgelse er afsluttet ${formatDate(completedOn)}`,
                  lines: result.moved.length ? movedLines(result.moved) : [],
                };
              }}
              {...actions('afslut-us')}
            />
          ) : null}
          {open.foreloebig && investigation && fourMonthsOpen ? (
            <ForeloebigForm caseId={caseId} {...actions('foreloebig')} />
          ) : null}
          {open.opmaerksom && investigation ? (
            <DatoBegrundelseForm
              id="opmaerksom"
              title="Ret datoen for kommunens kendskab"
              date={{
                key: 'aware_since',
                label: 'Ny dato for kommunens kendskab',
                hint: investigation.aware_since
                  ? `Nu: ${formatDate(investigation.aware_since)}. Fristen på 4 måneder flyttes med.`
                  : 'Fristen på 4 måneder flyttes med.',
                type: 'date',
                initial: investigation.aware_since ?? todayInCopenhagen(),
                required: 'Angiv datoen, hvor kommunen blev opmærksom på barnets forhold',
              }}
              reason={{ key: 'reason', label: 'Begrundelse for rettelsen', required: 'Angiv hvorfor datoen rettes' }}
              submitLabel="Gem ny dato"
              failureHeading="Datoen blev ikke rettet"
              send={async (awareSince, reason) => {
                const result = await call(
                  api.POST('/api/cases/{case_id}/undersoegelse/opmaerksom', {
                    params: { path: { case_id: caseId } },
                    body: { aware_since: awareSince, reason },
                  }),
                );
                return {
                  heading: `Kommunen blev opmærksom ${formatDate(awareSince)}: datoen er rettet`,
                  lines: movedLines(result.moved),
                };
              }}
              {...actions('opmaerksom')}
            />
          ) : null}
          {open.luk ? (
            <DatoBegrundelseForm
              id="luk"
              title="Luk sagen"
              intro={
                running.length > 0 ? (
                  <Alert variant="warning" role="note" heading="Sagen har igangværende indsatser">
                    <p>
                      Afslut {running.map((i) => i.label).join(', ')}, før sagen lukkes.
                    </p>
                  </Alert>
                ) : (
                  <p className="form-hint process-note">Sagens åbne aktiviteter annulleres med begrundelsen.</p>
                )
              }
              reason={{ key: 'reason', label: 'Begrundelse for at lukke sagen', required: 'Angiv hvorfor sagen lukkes' }}
              submitLabel="Bekræft lukning"
              failureHeading="Sagen blev ikke lukket"
              send={async (_, reason) => {
                await call(
                  api.POST('/api/cases/{case_id}/close', {
                    params: { path: { case_id: caseId } },
                    body: { version: hovedsag.version, reason },
                  }),
                );
                return { heading: 'Sagen er lukket' };
              }}
              {...actions('luk')}
            />
          ) : null}
        </>
      ) : null}

      {nothing ? (
        <p className="empty-state">
          Sagen har endnu ikke noget forløb: ingen underretninger, undersøgelser, afgørelser eller indsatser.
        </p>
      ) : (
        <div className="process-grid">
          <div className="process-part">
            <h3 id="forloeb-aktiviteter">Åbne aktiviteter</h3>
            {activities.length === 0 ? (
              <p className="process-empty">Ingen åbne aktiviteter.</p>
            ) : (
              <ul className="process-list" aria-labelledby="forloeb-aktiviteter">
                {activities.map((a) => (
                  <li key={a.id}>
                    <p className="process-item-title">{a.title}</p>
                    <p className="process-meta">
                      {a.overdue ? <span className="badge badge-error">Overskredet</span> : null}{' '}
                      {a.due_asap ? (
                        <span className="due-asap">Snarest muligt</span>
                      ) : a.due_at ? (
                        <>
                          Frist <time dateTime={a.due_at}>{dueText(a).replace(/^frist /, '')}</time>
                        </>
                      ) : (
                        dueText(a).replace(/^./, (c) => c.toUpperCase())
                      )}
                    </p>
                    {a.due_reason ? (
                      <p className="process-note">{a.due_asap ? `Fordi ${a.due_reason}` : a.due_reason}</p>
                    ) : null}
                    <Basis text={a.basis} confirmed={a.basis_confirmed} as="p" className="process-note" />
                {a.description ? <p className="process-note">{a.description}</p> : null}
                {a.plan_name ? <p className="process-note">Fra aktivitetsplanen »{a.plan_name}«</p> : null}
                    {canWrite ? (
                      <ActivityAction
                        activity={a}
                        onDone={(heading) => finish('aktivitet')({ heading })}
                        onFlow={(flow) => openFlow(flowPanel(flow), a.step_kind)}
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </div>

          <div className="process-part">
            <h3 id="forloeb-indsatser">Indsatser</h3>
            {indsatser.length === 0 ? (
              <p className="process-empty">Ingen indsatser.</p>
            ) : (
              <ul className="process-list" aria-labelledby="forloeb-indsatser">
                {indsatser.map((i) => (
                  <Indsats
                    key={i.id}
                    indsats={i}
                    canWrite={canWrite}
                    open={open}
                    toggle={toggle}
                    actions={actions}
                  />
                ))}
              </ul>
            )}
          </div>

          <div className="process-part">
            <h3 id="forloeb-afgoerelser">Afgørelser</h3>
            {afgoerelser.length === 0 ? (
              <p className="process-empty">
                {pending ? `Afgørelse efter ${paragraphShort(pending.paragraph)} forberedes.` : 'Ingen afgørelser.'}
              </p>
            ) : (
              <ul className="process-list" aria-labelledby="forloeb-afgoerelser">
                {afgoerelser.map((a) => (
                  <li key={a.id}>
                    <p className="process-item-title">
                      {paragraphShort(a.paragraph)}: {outcomeLabel(a.outcome)}
                    </p>
                    <p className="process-meta">
                      {a.paragraph === '47' ? 'Børne- og ungeudvalgets afgørelse, registreret' : 'Truffet'}{' '}
                      <time dateTime={a.decided_on}>{formatDate(a.decided_on)}</time> af {a.created_by_name}
                    </p>
                    {a.summary ? <p className="process-text">{a.summary}</p> : null}
                    {steps
                      .filter((s) => s.afgoerelse_id === a.id)
                      .map((s) => (
                        <p key={s.id} className="process-note">
                          Afgørelsen om støtte efter det 18. år (§ 111): overgangen til voksenlivet registreret{' '}
                          <time dateTime={s.happened_on}>{formatDate(s.happened_on)}</time>
                        </p>
                      ))}
                    {a.exceptions.length > 0 ? (
                      <ul className="process-exceptions">
                        {a.exceptions.map((x, n) => (
                          <li key={x.rule_id ?? n}>
                            Truffet uden „{x.title ?? x.rule_id}“: {x.reason}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            {pending && afgoerelser.length > 0 ? (
              <p className="process-note">Afgørelse efter {paragraphShort(pending.paragraph)} forberedes.</p>
            ) : null}
          </div>

          <UdvalgPart
            caseId={caseId}
            childName={hovedsag.child_name.trim() || 'Ufødt barn'}
            canWrite={canWrite}
            shown={pending?.paragraph === '47' || afgoerelser.some((a) => a.paragraph === '47')}
            onDone={(o) => finish('udvalg')({ heading: o?.heading ?? '' })}
          />

          <KlagerPart
            caseId={caseId}
            childName={hovedsag.child_name.trim() || 'Ufødt barn'}
            canWrite={canWrite}
            hasDecisions={afgoerelser.length > 0}
            onDone={(o) => finish('klage')({ heading: o?.heading ?? '' })}
            onNewDecision={() => openFlow('afgoerelse')}
          />

          <Indgreb139Part
            caseId={caseId}
            childName={hovedsag.child_name.trim() || 'Ufødt barn'}
            canWrite={canWrite}
            onDone={finish('indgreb')}
          />

          <div className="process-part">
            <h3 id="forloeb-enkeltsager">Enkeltsager</h3>
            {enkeltsager.length === 0 ? (
              <p className="process-empty">Ingen enkeltsager.</p>
            ) : (
              <ol className="process-list process-timeline" aria-labelledby="forloeb-enkeltsager">
                {enkeltsager.map((e) => (
                  <li key={e.id} className={e.closed_at ? 'process-closed' : 'process-open'}>
                    <p className="process-item-title">
                      {enkeltsagLabel(e.kind)}
                      {e.paragraph ? ` efter ${paragraphShort(e.paragraph)}` : ''}{' '}
                      {e.closed_at ? null : <span className="badge badge-info">Åben</span>}
                    </p>
                    <p className="process-meta">
                      Åbnet <time dateTime={e.opened_at}>{formatDeadlineDate(e.opened_at)}</time>
                      {e.closed_at ? (
                        <>
                          {' '}
                          · afsluttet <time dateTime={e.closed_at}>{formatDeadlineDate(e.closed_at)}</time>
                        </>
                      ) : null}
                      {e.aware_since ? (
                        <>
                          {' '}
                          · kommunen opmærksom <time dateTime={e.aware_since}>{formatDate(e.aware_since)}</time>
                        </>
                      ) : null}
                    </p>
                    {e.summary ? <p className="process-text">{e.summary}</p> : null}
                  </li>
                ))}
              </ol>
            )}
          </div>

          <div className="process-part">
            <h3 id="forloeb-skridt">Gennemførte skridt</h3>
            {steps.length === 0 ? (
              <p className="process-empty">Ingen registrerede skridt.</p>
            ) : (
              <ul className="process-list" aria-labelledby="forloeb-skridt">
                {steps.map((s) => (
                  <li key={s.id}>
                    <p className="process-item-title">{s.label}</p>
                    <p className="process-meta">
                      <time dateTime={s.happened_on}>{formatDate(s.happened_on)}</time> · {s.created_by_name}
                    </p>
                    {s.afgoerelse_id ? <TransitionDecision step={s} afgoerelser={afgoerelser} /> : null}
                    {s.no_support_label ? (
                      <p className="process-note">Ingen afgørelse om støtte efter det 18. år: {s.no_support_label}</p>
                    ) : null}
                    {s.note ? <p className="process-text">{s.note}</p> : null}
                    {s.next_due ? (
                      <p className="process-note">
                        Næste opfølgning senest <time dateTime={s.next_due}>{formatDate(s.next_due)}</time>
                        {s.next_reason ? `: ${s.next_reason}` : ''}
                      </p>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </div>

          <div className="process-part">
            <h3 id="forloeb-underretninger">Underretninger</h3>
            {underretninger.length === 0 ? (
              <p className="process-empty">Ingen underretninger.</p>
            ) : (
              <ul className="process-list" aria-labelledby="forloeb-underretninger">
                {underretninger.map((u) => (
                  <Underretning
                    key={u.id}
                    underretning={u}
                    canWrite={canWrite}
                    open={open}
                    toggle={toggle}
                    actions={actions}
                  />
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/** The § 114 decision a transition (§ 111) points to. */
function TransitionDecision({ step, afgoerelser }: { step: StepRead; afgoerelser: CaseRead['afgoerelser'] }) {
  const a = (afgoerelser ?? []).find((d) => d.id === step.afgoerelse_id);
  if (!a) return null;
  return (
    <p className="process-note">
      Afgørelse om støtte efter det 18. år: {paragraphShort(a.paragraph)}, {outcomeLabel(a.outcome).toLowerCase()}{' '}
      <time dateTime={a.decided_on}>{formatDate(a.decided_on)}</time>
    </p>
  );
}

type ItemProps = {
  canWrite: boolean;
  open: Panels;
  toggle: (panel: string) => () => void;
  actions: (panel: string) => { onDone: (d: Done) => void; onCancel: () => void; onReload: () => void };
};

function Indsats({ indsats: i, canWrite, open, toggle, actions }: { indsats: IndsatsRead } & ItemProps) {
  const titleId = `indsats-${i.id}-title`;
  const endPanel = `ophoer-${i.id}`;
  const startPanel = `start-${i.id}`;
  return (
    <li>
      <p className="process-item-title" id={titleId}>
        {i.label}{' '}
        {i.ends_on ? null : <span className="badge badge-success">Igangværende</span>}
      </p>
      <p className="process-meta">
        {paragraphShort(i.paragraph)} · fra <time dateTime={i.starts_on}>{formatDate(i.starts_on)}</time>
        {i.ends_on ? (
          <>
            {' '}
            til <time dateTime={i.ends_on}>{formatDate(i.ends_on)}</time>
          </>
        ) : i.planned_end && i.paragraph === YOUTH_PARAGRAPH ? (
          <>
            {' '}
            · bevilget til <time dateTime={i.planned_end}>{formatDate(i.planned_end)}</time>
          </>
        ) : null}
      </p>
      {i.end_reason ? <p className="process-note">Ophør: {i.end_reason}</p> : null}
      {canWrite ? (
        <div className="process-item-actions">
          {i.ends_on ? null : (
            <Toggle panel={endPanel} open={!!open[endPanel]} onToggle={toggle(endPanel)} small describedBy={titleId}>
              Afslut indsats
            </Toggle>
          )}
          <Toggle panel={startPanel} open={!!open[startPanel]} onToggle={toggle(startPanel)} small describedBy={titleId}>
            Ret startdato
          </Toggle>
        </div>
      ) : null}
      {canWrite && open[endPanel] && !i.ends_on ? (
        <DatoBegrundelseForm
          id={endPanel}
          level={4}
          title={`Afslut indsats: ${i.label}`}
          date={{
            key: 'ends_on',
            label: 'Indsatsen ophører den',
            hint: 'Åbne opfølgninger på indsatsen annulleres med begrundelsen',
            type: 'date',
            initial: todayInCopenhagen(),
            required: 'Angiv datoen, hvor indsatsen ophører',
          }}
          reason={{ key: 'reason', label: 'Begrundelse for ophøret', required: 'Angiv hvorfor indsatsen ophører' }}
          submitLabel="Gem ophør"
          failureHeading="Indsatsen blev ikke afsluttet"
          send={async (endsOn, reason) => {
            await call(
              api.POST('/api/indsatser/{indsats_id}/ophoer', {
                params: { path: { indsats_id: i.id } },
                body: { version: i.version, ends_on: endsOn, reason },
              }),
            );
            return { heading: `Indsatsen er afsluttet: ${i.label} ophører ${formatDate(endsOn)}` };
          }}
          {...actions(endPanel)}
        />
      ) : null}
      {canWrite && open[startPanel] ? (
        <DatoBegrundelseForm
          id={startPanel}
          level={4}
          title={`Ret startdato: ${i.label}`}
          date={{
            key: 'starts_on',
            label: 'Ny startdato',
            hint: `Nu: ${formatDate(i.starts_on)}. Frister, der regnes fra starten, flyttes med.`,
            type: 'date',
            initial: i.starts_on,
            required: 'Angiv hvornår indsatsen starter',
          }}
          reason={{ key: 'reason', label: 'Begrundelse for rettelsen', required: 'Angiv hvorfor startdatoen ændres' }}
          submitLabel="Gem ny startdato"
          failureHeading="Startdatoen blev ikke rettet"
          send={async (startsOn, reason) => {
            const result = await call(
              api.POST('/api/indsatser/{indsats_id}/start', {
                params: { path: { indsats_id: i.id } },
                body: { version: i.version, starts_on: startsOn, reason },
              }),
            );
            return {
              heading: `Startdatoen er rettet: ${i.label} starter ${formatDate(startsOn)}`,
              lines: movedLines(result.moved),
            };
          }}
          {...actions(startPanel)}
        />
      ) : null}
    </li>
  );
}

function Underretning({ underretning: u, canWrite, open, toggle, actions }: { underretning: UnderretningRead } & ItemProps) {
  const titleId = `underretning-${u.id}-title`;
  const panel = `modtaget-${u.id}`;
  return (
    <li>
      <p className="process-item-title" id={titleId}>
        Fra {label(SOURCES, u.source).toLowerCase()} ({label(NOTIFIER_KINDS, u.notifier_kind).toLowerCase()}
        {u.notifier_name ? `: ${u.notifier_name}` : ''}){' '}
        {u.suspected_abuse ? <span className="badge badge-warning">Mistanke om overgreb</span> : null}
      </p>
      <p className="process-meta">
        Modtaget <time dateTime={u.received_at}>{formatDateTime(u.received_at)}</time>
      </p>
      {u.causes && u.causes.length > 0 ? (
        <p className="process-meta">
          {u.causes.length === 1 ? 'Årsag' : 'Årsager'}: {u.causes.map((c) => label(NOTIFICATION_CAUSES, c)).join('; ')}
        </p>
      ) : null}
      {u.concerns ? <p className="process-text">{u.concerns}</p> : null}
      {canWrite ? (
        <div className="process-item-actions">
          <Toggle panel={panel} open={!!open[panel]} onToggle={toggle(panel)} small describedBy={titleId}>
            Ret modtagelsestidspunkt
          </Toggle>
        </div>
      ) : null}
      {canWrite && open[panel] ? (
        <DatoBegrundelseForm
          id={panel}
          level={4}
          title="Ret modtagelsestidspunkt"
          date={{
            key: 'received_at',
            label: 'Nyt modtagelsestidspunkt',
            hint: `Nu: ${formatDateTime(u.received_at)}. Fristerne for underretningen flyttes med.`,
            type: 'datetime-local',
            initial: toLocalInput(new Date(u.received_at)),
            required: 'Angiv dato og klokkeslæt for, hvornår underretningen blev modtaget',
          }}
          reason={{
            key: 'reason',
            label: 'Begrundelse for rettelsen',
            required: 'Angiv hvorfor modtagelsestidspunktet rettes',
          }}
          submitLabel="Gem nyt tidspunkt"
          failureHeading="Modtagelsestidspunktet blev ikke rettet"
          send={async (receivedAt, reason) => {
            const result = await call(
              api.POST('/api/underretninger/{underretning_id}/modtaget', {
                params: { path: { underretning_id: u.id } },
                body: { version: u.version, received_at: receivedAt, reason },
              }),
            );
            return {
              heading: `Modtagelsestidspunktet er rettet til ${formatDateTime(receivedAt)}`,
              lines: movedLines(result.moved),
            };
          }}
          {...actions(panel)}
        />
      ) : null}
    </li>
  );
}
