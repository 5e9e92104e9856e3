import type { Plan } from './types.js';
import { ACTION_SYMBOL, bySeverity, countsLine, legend, protectionItems, PROTECTIONS_HEADING, RESTORE_SYMBOL, restoresData, summarizePlan, type ObjectSummary } from './summary.js';
import { executionLines } from './execution-text.js';

/** GitHub refuses a comment longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Longest text to return, in characters: what does not fit is left out with a note. Default: a GitHub comment. */
  limit?: number;
  /** A first line that lets a bot find its own comment again (an HTML comment: not shown). */
  marker?: string;
  /** Where the full plan is, for the note when something is left out. */
  fullPlan?: string;
}

/**
 * A plan as a pull-request comment: summary and hazards first, then the
 * execution units and each object's SQL and diff, collapsed. Past `limit`
 * the rest is left out, and a note says how much and where the whole plan is.
 */
export function formatPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const { objects, counts } = summarizePlan(plan);
  const out = new Budget(limit);
  if (options.marker) out.add(`${options.marker}\n`);
  out.add(`### schemaform ${plan.kind === 'rollback' ? `rollback to snapshot ${plan.rollbackTo}` : 'plan'} \`${plan.id}\`\n\n`);
  out.add(`Database \`${plan.target.database}\` · ${countsLine(counts)}\n\n`);
  const protections = plan.protectionChanges ? `${PROTECTIONS_HEADING}\n${protectionItems(plan.protectionChanges).map((item) => `- ${item}\n`).join('')}\n` : '';
  if (objects.length === 0) {
    out.add(plan.protectionChanges ? `No changes to the schema.\n\n${protections}` : 'No changes.\n');
    return out.text(unmanagedNote(plan));
  }
  if (protections) out.add(protections);
  if (plan.skipped?.length) out.add(`**Left out (--skip-destructive)**, ${plan.skipped.length} change(s) that lose data, still asked for by the file:\n${plan.skipped.map((d) => `- ${escapeHtml(d)}\n`).join('')}\n`);
  out.add(`${legend(objects, (m) => `\`${m}\``)}\n\n`);
  if (plan.rehearsal) out.add(plan.rehearsal.rehearsed ? `Rehearsed in a scratch database on ${plan.rehearsal.where}: the steps ran and reached the file${plan.skipped?.length ? ', but for what was left out' : ''}.\n\n` : `**Not rehearsed:** ${plan.rehearsal.reason}.\n\n`);
  const hazards = bySeverity(objects.flatMap((o) => o.hazards));
  if (hazards.length) {
    out.add('| | Hazard | Severity | Step | Detail |\n| --- | --- | --- | --- | --- |\n');
    for (const h of hazards) out.add(`| ${h.severity === 'high' ? '🛑' : h.severity === 'medium' ? '⚠️' : 'ℹ️'} | \`${h.code}\` | ${h.severity} | ${h.step} | ${escapeCell(h.message)} |\n`, 'hazard');
    out.add('\n');
  }
  const [head, ...units] = executionLines(plan);
  out.add(`<details><summary>${head}</summary>\n\n${units.map((u) => `- ${u.trim()}\n`).join('')}\n</details>\n\n`, 'execution');
  for (const o of objects) out.add(objectSection(o), 'object');
  const note = out.omitted.size ? omittedNote(out.omitted, options.fullPlan ?? `\`schema show ${plan.id}.plan.json\``) : '';
  return out.text(note + unmanagedNote(plan));
}

function objectSection(o: ObjectSummary): string {
  // Names are the user's: inside HTML they are text, never markup.
  const lines = [`<details><summary><code>${ACTION_SYMBOL[o.action]}</code> ${escapeHtml(o.label)}${o.reason ? ` — must be replaced: ${escapeHtml(o.reason)}` : ''}</summary>`, ''];
  const sql = o.steps.flatMap((s) => [`-- ${s.index}. ${restoresData(s) ? `${RESTORE_SYMBOL} ` : ''}${s.description}`, ...s.sql.map((q) => `${q};`)]).join('\n');
  lines.push(codeBlock('sql', sql));
  if (o.patch) lines.push('', codeBlock('diff', o.patch));
  lines.push('', '</details>', '', '');
  return lines.join('\n');
}

/** A fenced block that no run of backticks in the text (a name, a string literal) can close early. */
function codeBlock(language: string, text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function unmanagedNote(plan: Plan): string {
  if (plan.unmanaged.length === 0) return '';
  const shown = plan.unmanaged.slice(0, 50).map((o) => `${o.kind} \`${o.schema}.${o.name}\``).join(', ');
  return `\nNot managed by schemaform, left untouched (${plan.unmanaged.length}): ${shown}${plan.unmanaged.length > 50 ? `, and ${plan.unmanaged.length - 50} more` : ''}\n`;
}

function omittedNote(omitted: Map<string, number>, fullPlan: string): string {
  const what = [...omitted].map(([kind, n]) => `${n} ${kind === 'object' ? 'object section(s)' : kind === 'hazard' ? 'hazard row(s)' : 'execution list'}`).join(', ');
  return `\n> **Shortened to fit a comment:** ${what} left out. The full plan: ${fullPlan}.\n`;
}

const escapeCell = (text: string) => escapeHtml(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Text that stays within a limit: once a piece does not fit (with room kept
 * for the closing notes), it and every later piece of its kind are left out
 * and counted. Pieces without a kind always go in: they are short.
 */
class Budget {
  private readonly pieces: string[] = [];
  private length = 0;
  readonly omitted = new Map<string, number>();
  /** Room for the notes at the end. */
  private static readonly RESERVE = 4_000;
  constructor(private readonly limit: number) {}

  add(piece: string, kind?: string): void {
    if (kind !== undefined && (this.omitted.has(kind) || this.length + piece.length > this.limit - Budget.RESERVE)) {
      this.omitted.set(kind, (this.omitted.get(kind) ?? 0) + 1);
      return;
    }
    this.pieces.push(piece);
    this.length += piece.length;
  }

  text(ending: string): string {
    const text = this.pieces.join('') + ending;
    return text.length <= this.limit ? text : `${text.slice(0, this.limit - 40)}\n\n*(cut at ${this.limit} characters)*\n`;
  }
}
