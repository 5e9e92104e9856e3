import type { Style } from '../cli/style.js';
import { append } from '../arrays.js';
import type { Plan } from './types.js';
import { ACTION_SYMBOL, bySeverity, countsLine, legend, protectionItems, PROTECTIONS_HEADING, RESTORE_SYMBOL, restoresData, summarizePlan } from './summary.js';
import { executionLines } from './execution-text.js';

/** The terminal rendering of a plan, in the spirit of `terraform plan`. */
export function formatPlanText(plan: Plan, style: Style, options: { planPath?: string; showSql?: boolean } = {}): string {
  const { objects, counts } = summarizePlan(plan);
  const paint = { create: style.green, update: style.yellow, replace: style.yellow, delete: style.red } as const;
  const lines: string[] = [];
  const what = plan.kind === 'rollback' ? `rollback to snapshot ${plan.rollbackTo}` : 'plan';
  lines.push(style.bold(`schemaform ${what} ${plan.id}`) + style.dim(` for database "${plan.target.database}" (server ${plan.target.systemIdentifier})`));
  const unmanaged = [...skippedLines(plan, style), ...unmanagedLines(plan, style)];
  if (objects.length === 0) {
    if (plan.protectionChanges) {
      lines.push('', style.green('No changes to the schema.'), ...protectionLines(plan.protectionChanges), ...unmanaged);
      if (options.planPath) lines.push('', `Saved to ${options.planPath}. Applying it records the marks (no SQL runs):`, `  schema apply ${options.planPath}`);
      return lines.join('\n') + '\n';
    }
    lines.push('', style.green(plan.skipped?.length ? 'No changes but those left out.' : 'No changes. The database matches the schema.'), ...unmanaged);
    return lines.join('\n') + '\n';
  }
  lines.push(style.dim(legend(objects)), '');
  for (const o of objects) {
    lines.push(paint[o.action](`  ${ACTION_SYMBOL[o.action]} ${o.label}`) + (o.reason ? style.dim(` must be replaced: ${o.reason}`) : ''));
    for (const step of o.steps) {
      const mark = restoresData(step) ? `${RESTORE_SYMBOL} ` : '';
      lines.push(`      ${style.dim(`${String(step.index).padStart(3)}.`)} ${mark}${step.description}`);
      if (options.showSql) for (const sql of step.sql) lines.push(style.dim(sql.split('\n').map((l) => `           ${l}`).join('\n')));
    }
    if (o.patch) {
      lines.push(o.patch.split('\n').map((l) => {
        const text = `      ${l}`;
        return l.startsWith('+') ? style.green(text) : l.startsWith('-') ? style.red(text) : style.dim(text);
      }).join('\n'));
    }
  }
  const hazards = objects.flatMap((o) => o.hazards);
  if (hazards.length) {
    lines.push('', style.bold('Hazards:'));
    for (const h of bySeverity(hazards)) {
      const tag = `${h.code} (${h.severity})`;
      const painted = h.severity === 'high' ? style.red(style.bold(`  ! ${tag}`)) : h.severity === 'medium' ? style.yellow(`  ! ${tag}`) : style.dim(`  · ${tag}`);
      lines.push(`${painted} step ${h.step}: ${h.message}`);
    }
  }
  if (plan.protectionChanges) append(lines, protectionLines(plan.protectionChanges));
  lines.push('', ...executionLines(plan).map((l, i) => (i === 0 ? style.bold(l) : l)));
  append(lines, unmanaged);
  if (plan.rehearsal) {
    lines.push('', plan.rehearsal.rehearsed
      ? style.green(`Rehearsed: the steps ran in a scratch database on ${plan.rehearsal.where} and reached the file${plan.skipped?.length ? ', but for what was left out' : ''}.`)
      : style.yellow(`Not rehearsed: ${plan.rehearsal.reason}.`));
  }
  lines.push('', style.bold(countsLine(counts)));
  if (options.planPath) {
    const destructive = hazards.some((h) => h.code === 'data-loss') && !plan.allowDestructive;
    lines.push(`Saved to ${options.planPath}. Review it, then run:`, `  schema apply ${options.planPath}${destructive ? ' --allow-destructive' : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** What the plan did not look at, so that "no changes" is never read as "nothing else is there". */
function unmanagedLines(plan: Plan, style: Style): string[] {
  if (plan.unmanaged.length === 0) return [];
  const byKind = new Map<string, string[]>();
  for (const o of plan.unmanaged) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), `${o.schema}.${o.name}`]);
  const lines = ['', style.yellow(`Not managed by schemaform, left untouched (${plan.unmanaged.length}):`)];
  for (const [kind, names] of byKind) {
    lines.push(`  ${kind}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, and ${names.length - 8} more` : ''}`);
  }
  return lines;
}

/** preventDestroy marks this plan records (or stops recording) when applied. */
function protectionLines(changes: NonNullable<Plan['protectionChanges']>): string[] {
  return ['', PROTECTIONS_HEADING, ...protectionItems(changes).map((item) => `  ${item}`)];
}

/** What --skip-destructive left out: still asked for by the file, so the next plan shows it again. */
function skippedLines(plan: Plan, style: Style): string[] {
  if (!plan.skipped?.length) return [];
  return ['', style.yellow(`Left out (--skip-destructive), ${plan.skipped.length} change(s) that lose data; the file still asks for them:`), ...plan.skipped.map((d) => `  - ${d}`)];
}
