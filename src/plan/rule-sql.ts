import type { Rule } from '../model/types.js';
import { qualify, quoteIdent } from '../sql/quote.js';
import { commentOn } from './sql-fragments.js';

/**
 * CREATE RULE, built around the condition and commands: texts the schema
 * file's check gave the shape of one expression and of one rule command
 * each, so together they cannot be more than this one rule.
 */
export function createRule(schema: string, table: string, r: Rule, replace: boolean): string[] {
  const on = qualify(schema, table);
  const body = r.actions.length === 0 ? 'NOTHING' : r.actions.length === 1 ? r.actions[0]! : `(${r.actions.join('; ')})`;
  return [
    `CREATE ${replace ? 'OR REPLACE ' : ''}RULE ${quoteIdent(r.name)} AS ON ${r.event.toUpperCase()} TO ${on}${r.where !== undefined ? ` WHERE ${r.where}` : ''} DO ${r.instead ? 'INSTEAD' : 'ALSO'} ${body}`,
    ...(r.enabled !== 'origin' ? [ruleState(schema, table, r)] : []),
    ...(r.comment !== undefined ? [commentOn(`RULE ${quoteIdent(r.name)} ON ${on}`, r.comment)] : []),
  ];
}

const states = { origin: 'ENABLE', disabled: 'DISABLE', replica: 'ENABLE REPLICA', always: 'ENABLE ALWAYS' } as const;

function ruleState(schema: string, table: string, r: Rule): string {
  return `ALTER TABLE ${qualify(schema, table)} ${states[r.enabled]} RULE ${quoteIdent(r.name)}`;
}

/** Whether CREATE OR REPLACE RULE is needed: the event, INSTEAD, condition or commands differ (not the state or comment). */
export function ruleDefinitionChanged(from: Rule, to: Rule): boolean {
  const definition = (r: Rule) => JSON.stringify([r.event, r.instead, r.where, r.actions]);
  return definition(from) !== definition(to);
}

/** The definition replaced only when it changed (the rule keeps its state and comment), then those. */
export function alterRule(schema: string, table: string, from: Rule, to: Rule): string[] {
  return [
    ...(ruleDefinitionChanged(from, to) ? [createRule(schema, table, { ...to, enabled: 'origin', comment: undefined }, true)[0]!] : []),
    ...(from.enabled !== to.enabled ? [ruleState(schema, table, to)] : []),
    ...(from.comment !== to.comment ? [commentOn(`RULE ${quoteIdent(to.name)} ON ${qualify(schema, table)}`, to.comment)] : []),
  ];
}

export const dropRule = (schema: string, table: string, r: Rule) => [`DROP RULE ${quoteIdent(r.name)} ON ${qualify(schema, table)}`];
