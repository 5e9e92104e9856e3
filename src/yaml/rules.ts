import type { Rule } from '../model/types.js';

/** A rule as the schema file writes it (schemas/schema.json: rules). */
export interface RawRule {
  event: Rule['event'];
  instead?: boolean;
  where?: string | number | boolean;
  actions?: string[];
  enabled?: Rule['enabled'];
  comment?: string;
}

export function toRules(raw: Record<string, RawRule> | undefined): { rules?: Rule[] } {
  if (!raw || Object.keys(raw).length === 0) return {};
  return {
    rules: Object.entries(raw).map(([name, r]) => ({
      name, event: r.event, instead: r.instead ?? false,
      ...(r.where !== undefined && { where: String(r.where) }),
      // A command written with its semicolon is the same command.
      actions: (r.actions ?? []).map((a) => a.trim().replace(/;\s*$/, '')),
      enabled: r.enabled ?? 'origin',
      ...(r.comment !== undefined && { comment: r.comment }),
    })),
  };
}

export function rulesToRaw(rules: Rule[] | undefined): { rules?: Record<string, RawRule> } {
  if (!rules?.length) return {};
  return {
    rules: Object.fromEntries(rules.map((r) => [r.name, {
      event: r.event, ...(r.instead && { instead: true }), ...(r.where !== undefined && { where: r.where }),
      ...(r.actions.length > 0 && { actions: r.actions }), ...(r.enabled !== 'origin' && { enabled: r.enabled }),
      ...(r.comment !== undefined && { comment: r.comment }),
    }])),
  };
}
