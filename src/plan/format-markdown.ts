import type { Plan } from './types.js';
import { ACTION_SYMBOL, countsLine, summarizePlan } from './summary.js';
import { executionLines } from './execution-text.js';

/** A plan as a pull-request comment: summary, hazards table, per-object SQL and diffs. */
export function formatPlanMarkdown(plan: Plan): string {
  const { objects, counts } = summarizePlan(plan);
  const out: string[] = [];
  out.push(`### schemaform ${plan.kind === 'rollback' ? `rollback to snapshot ${plan.rollbackTo}` : 'plan'} \`${plan.id}\``, '');
  out.push(`Database \`${plan.target.database}\` · ${countsLine(counts)}`, '');
  if (plan.unmanaged.length) {
    out.push(`Not managed by schemaform, left untouched: ${plan.unmanaged.map((o) => `${o.kind} \`${o.schema}.${o.name}\``).join(', ')}`, '');
  }
  if (objects.length === 0) return out.concat('No changes.', '').join('\n');
  if (plan.rehearsal) out.push(plan.rehearsal.rehearsed ? `Rehearsed in a scratch database on ${plan.rehearsal.where}: the steps ran and reached the file.` : `**Not rehearsed:** ${plan.rehearsal.reason}.`, '');
  const hazards = objects.flatMap((o) => o.hazards);
  if (hazards.length) {
    out.push('| | Hazard | Severity | Step | Detail |', '| --- | --- | --- | --- | --- |');
    for (const h of hazards) out.push(`| ${h.severity === 'high' ? '🛑' : h.severity === 'medium' ? '⚠️' : 'ℹ️'} | \`${h.code}\` | ${h.severity} | ${h.step} | ${h.message.replaceAll('|', '\\|')} |`);
    out.push('');
  }
  const [head, ...units] = executionLines(plan);
  out.push(`<details><summary>${head}</summary>`, '', ...units.map((u) => `- ${u.trim()}`), '', '</details>', '');
  for (const o of objects) {
    out.push(`<details><summary><code>${ACTION_SYMBOL[o.action]}</code> ${o.label}${o.reason ? ` — must be replaced: ${o.reason}` : ''}</summary>`, '');
    out.push('```sql');
    for (const s of o.steps) out.push(`-- ${s.index}. ${s.description}`, ...s.sql.map((q) => `${q};`));
    out.push('```');
    if (o.patch) out.push('', '```diff', o.patch, '```');
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
