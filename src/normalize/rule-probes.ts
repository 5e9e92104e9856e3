import type { Model, Rule } from '../model/types.js';
import { qualify, quoteIdent } from '../sql/quote.js';
import { createRule } from '../plan/rule-sql.js';

/**
 * Rules whose condition or commands are written differently from the live
 * ones: each is created on an empty temporary copy of its relation (same
 * columns, so NEW and OLD mean the same) inside the planning transaction,
 * and PostgreSQL's printing of it adopted. The copy takes no lock on the
 * real table beyond reading its columns.
 */
export interface RuleProbe { schema: string; relation: string; rule: Rule }

export function ruleProbes(desired: Model, live: Model): RuleProbe[] {
  const liveRules = new Map<string, Rule>();
  for (const s of live.schemas) {
    for (const owner of [...s.tables, ...s.views]) for (const r of owner.rules ?? []) liveRules.set(`${s.name}\u0000${owner.name}\u0000${r.name}`, r);
  }
  const probes: RuleProbe[] = [];
  for (const s of desired.schemas) {
    for (const owner of [...s.tables, ...s.views]) {
      for (const rule of owner.rules ?? []) {
        const current = liveRules.get(`${s.name}\u0000${owner.name}\u0000${rule.name}`);
        if (current && (current.where !== rule.where || current.actions.join('\u0000') !== rule.actions.join('\u0000'))) probes.push({ schema: s.name, relation: owner.name, rule });
      }
    }
  }
  return probes;
}

/** The statements that build the probe: a copy named `probeName` with the rule on it. */
export function ruleProbeScript(probeName: string, p: RuleProbe): string[] {
  return [
    `CREATE TEMP TABLE ${quoteIdent(probeName)} AS SELECT * FROM ${qualify(p.schema, p.relation)} WITH NO DATA`,
    createRule('pg_temp', probeName, { ...p.rule, enabled: 'origin', comment: undefined }, false)[0]!,
  ];
}

export function adoptRule(original: Rule, probed: Rule | undefined): Rule {
  return probed ? { ...original, actions: probed.actions, ...(probed.where !== undefined && { where: probed.where }) } : original;
}
