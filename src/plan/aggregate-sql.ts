import type { Aggregate } from '../model/types.js';
import { requoted } from '../graph/references.js';
import { qualify, quoteLiteral } from '../sql/quote.js';
import { commentOn } from './sql-fragments.js';

/**
 * CREATE AGGREGATE. The argument list and state types are SQL texts the
 * schema file's check gave the shape of an argument list and type names;
 * function names are split and every part quoted again; the sort operator
 * is only operator characters (the file's schema and check say so).
 */
const modify = (m: string) => m.toUpperCase();

export const aggregateSignature = (schema: string, a: Aggregate) => `${qualify(schema, a.name)}(${a.arguments})`;

export function createAggregate(schema: string, a: Aggregate): string[] {
  const m = a.moving;
  const options = [
    `SFUNC = ${requoted(a.stateFunction)}`, `STYPE = ${a.stateType}`,
    ...(a.stateSpace !== undefined ? [`SSPACE = ${a.stateSpace}`] : []),
    ...(a.finalFunction !== undefined ? [`FINALFUNC = ${requoted(a.finalFunction)}`] : []),
    ...(a.finalFunctionExtra ? ['FINALFUNC_EXTRA'] : []),
    ...(a.finalFunctionModify !== undefined ? [`FINALFUNC_MODIFY = ${modify(a.finalFunctionModify)}`] : []),
    ...(a.combineFunction !== undefined ? [`COMBINEFUNC = ${requoted(a.combineFunction)}`] : []),
    ...(a.serialFunction !== undefined ? [`SERIALFUNC = ${requoted(a.serialFunction)}`] : []),
    ...(a.deserialFunction !== undefined ? [`DESERIALFUNC = ${requoted(a.deserialFunction)}`] : []),
    ...(a.initialCondition !== undefined ? [`INITCOND = ${quoteLiteral(a.initialCondition)}`] : []),
    ...(m ? [`MSFUNC = ${requoted(m.stateFunction)}`, `MINVFUNC = ${requoted(m.inverseFunction)}`, `MSTYPE = ${m.stateType}`] : []),
    ...(m?.stateSpace !== undefined ? [`MSSPACE = ${m.stateSpace}`] : []),
    ...(m?.finalFunction !== undefined ? [`MFINALFUNC = ${requoted(m.finalFunction)}`] : []),
    ...(m?.finalFunctionExtra ? ['MFINALFUNC_EXTRA'] : []),
    ...(m?.finalFunctionModify !== undefined ? [`MFINALFUNC_MODIFY = ${modify(m.finalFunctionModify)}`] : []),
    ...(m?.initialCondition !== undefined ? [`MINITCOND = ${quoteLiteral(m.initialCondition)}`] : []),
    ...(a.sortOperator !== undefined ? [`SORTOP = ${a.sortOperator}`] : []),
    ...(a.kind === 'hypothetical' ? ['HYPOTHETICAL'] : []),
    `PARALLEL = ${a.parallel.toUpperCase()}`,
  ];
  return [
    `CREATE AGGREGATE ${aggregateSignature(schema, a)} (${options.join(', ')})`,
    ...(a.comment !== undefined ? [commentOn(`AGGREGATE ${aggregateSignature(schema, a)}`, a.comment)] : []),
  ];
}

export const dropAggregate = (schema: string, a: Aggregate) => [`DROP AGGREGATE ${aggregateSignature(schema, a)}`];
export const aggregateComment = (schema: string, a: Aggregate) => [commentOn(`AGGREGATE ${aggregateSignature(schema, a)}`, a.comment)];
