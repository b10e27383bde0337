// One flat, labelled view of a document's content in the browser, like the server's
// render.fields (used for the comparison of versions and the PDF). Here it compares the
// caseworker's unsaved text with the stored text when a save is refused (409 stale), and
// gives the read-only view its lines.
import type { Content, MeasureRef, Method } from './types';

export type Flat = { key: string; group: string; label: string; lines: string[] };

function paragraphs(text: string): string[] {
  return text
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
}

export function sourceLabel(method: Method, key: string): string {
  return method.sources.find((s) => s.key === key)?.label ?? key;
}

export function sectionLabel(method: Method, kind: string, key: string): string {
  return method.sections[kind]?.find((f) => f.key === key)?.label ?? key;
}

export function goalLabel(method: Method, key: string): string {
  return method.goal_fields.find((f) => f.key === key)?.label ?? key;
}

export function dimensionLabel(method: Method, key: string | null): string | null {
  if (!key) return null;
  for (const side of method.sides) {
    const d = side.dimensions.find((x) => x.key === key);
    if (d) return d.label;
  }
  return null;
}

export function statementLine(method: Method, s: { text: string; source: string; source_note: string }): string {
  let source = s.source ? sourceLabel(method, s.source) : 'kilde mangler';
  if (s.source_note.trim()) source += `, ${s.source_note.trim()}`;
  return `${s.text.trim()} (Kilde: ${source})`;
}

export function measureLabel(measures: MeasureRef[] | null | undefined, id: string | null): string {
  if (!id) return '';
  return measures?.find((m) => m.id === id)?.label ?? 'Bevilget indsats';
}

function day(value: string | null): string {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  return m ? `${m[3]}.${m[2]}.${m[1]}` : '';
}

export function flatten(
  content: Content,
  method: Method,
  ctx: { measures?: MeasureRef[] | null; planGoals?: { id: string; goal: string }[] | null } = {},
): Flat[] {
  const out: Flat[] = [];
  const kind = content.kind;
  const section = (key: string, group: string, text: string) =>
    out.push({ key, group, label: sectionLabel(method, kind, key), lines: paragraphs(text) });
  const entryLabel = (k: string) => method.entry_kinds.find((e) => e.key === k)?.label ?? k;

  if (content.kind === 'undersoegelse') {
    for (const side of method.sides) {
      for (const dim of side.dimensions) {
        const entries = content.dimensions[dim.key];
        for (const e of ['observations', 'resources', 'concerns'] as const) {
          const lines = (entries?.[e] ?? [])
            .filter((s) => s.text.trim() || s.source)
            .map((s) => statementLine(method, s));
          out.push({ key: `dimensions.${dim.key}.${e}`, group: side.label, label: `${dim.label} – ${entryLabel(e)}`, lines });
        }
      }
    }
    section('child_view', 'Synspunkter, analyse og konklusion', content.child_view);
    section('parents_view', 'Synspunkter, analyse og konklusion', content.parents_view);
    section('analysis', 'Synspunkter, analyse og konklusion', content.analysis);
    section('conclusion', 'Synspunkter, analyse og konklusion', content.conclusion);
    out.push({
      key: 'unmet_needs',
      group: 'Udækkede behov',
      label: sectionLabel(method, kind, 'unmet_needs'),
      lines: content.unmet_needs
        .filter((n) => n.text.trim())
        .map((n) => {
          const where = dimensionLabel(method, n.dimension);
          return n.text.trim() + (where ? ` (${where})` : '');
        }),
    });
  } else if (content.kind === 'plan') {
    content.goals.forEach((g, i) => {
      const measures = g.measures
        .filter((m) => m.indsats_id || m.text.trim())
        .map((m) =>
          m.indsats_id
            ? measureLabel(ctx.measures, m.indsats_id) + (m.text.trim() ? `: ${m.text.trim()}` : '')
            : m.text.trim(),
        );
      const lines = [
        `${goalLabel(method, 'goal')}: ${g.goal.trim()}`,
        `${goalLabel(method, 'measurable')}: ${g.measurable.trim()}`,
        `${goalLabel(method, 'measures')}: ${measures.join('; ')}`,
        `${goalLabel(method, 'responsible')}: ${g.responsible.trim()}`,
      ];
      if (g.due) lines.push(`${goalLabel(method, 'due')}: ${day(g.due)}`);
      if (g.need.trim()) lines.push(`Udækket behov: ${g.need.trim()}`);
      out.push({ key: `goals.${g.id || i}`, group: 'Mål', label: `Mål ${i + 1}`, lines });
    });
    section('child_view', 'Synspunkter', content.child_view);
    section('parents_view', 'Synspunkter', content.parents_view);
  } else {
    const general = 'Opfølgning';
    out.push({
      key: 'indsats_id',
      group: general,
      label: sectionLabel(method, kind, 'indsats_id'),
      lines: [measureLabel(ctx.measures, content.indsats_id)].filter(Boolean),
    });
    out.push({
      key: 'happened_on',
      group: general,
      label: sectionLabel(method, kind, 'happened_on'),
      lines: [day(content.happened_on)].filter(Boolean),
    });
    for (const g of content.goals) {
      const goal = ctx.planGoals?.find((p) => p.id === g.goal_id)?.goal ?? g.goal_id;
      const status = method.follow_up_statuses.find((s) => s.key === g.status)?.label ?? 'Ikke vurderet';
      out.push({ key: `goals.${g.goal_id}`, group: 'Målopfyldelse', label: `Mål: ${goal}`, lines: [status, ...paragraphs(g.evidence)] });
    }
    section('summary', 'Vurdering og synspunkter', content.summary);
    section('child_view', 'Vurdering og synspunkter', content.child_view);
    section('parents_view', 'Vurdering og synspunkter', content.parents_view);
    out.push({
      key: 'next_due',
      group: 'Næste opfølgning',
      label: sectionLabel(method, kind, 'next_due'),
      lines: [day(content.next_due)].filter(Boolean),
    });
    section('next_reason', 'Næste opfølgning', content.next_reason);
    out.push({
      key: 'new_plan_version',
      group: 'Næste opfølgning',
      label: 'Ny version af barnets plan',
      lines: [content.new_plan_version ? 'Ja, start en ny version af planen' : 'Nej'],
    });
  }
  return out;
}

/** The fields where two contents differ, with both sides' lines. */
export function differences(
  mine: Content,
  theirs: Content,
  method: Method,
  ctx: Parameters<typeof flatten>[2] = {},
): { key: string; group: string; label: string; mine: string[]; theirs: string[] }[] {
  const a = flatten(mine, method, ctx);
  const b = new Map(flatten(theirs, method, ctx).map((f) => [f.key, f]));
  const out: { key: string; group: string; label: string; mine: string[]; theirs: string[] }[] = [];
  const seen = new Set<string>();
  for (const f of a) {
    seen.add(f.key);
    const other = b.get(f.key);
    const theirLines = other?.lines ?? [];
    if (JSON.stringify(f.lines) !== JSON.stringify(theirLines))
      out.push({ key: f.key, group: f.group, label: f.label, mine: f.lines, theirs: theirLines });
  }
  for (const f of b.values()) {
    if (!seen.has(f.key) && f.lines.length > 0)
      out.push({ key: f.key, group: f.group, label: f.label, mine: [], theirs: f.lines });
  }
  return out;
}
