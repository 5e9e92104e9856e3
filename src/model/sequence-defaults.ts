import type { SequenceOptions } from './types.js';

const typeRange: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

export interface PartialSequenceOptions {
  dataType?: string;
  start?: string;
  increment?: string;
  minValue?: string;
  maxValue?: string;
  cache?: string;
  cycle?: boolean;
}

/**
 * Fill in what CREATE SEQUENCE would choose, so that a YAML file that omits
 * options compares equal to the catalog, which always has all of them.
 */
export function completeSequenceOptions(given: PartialSequenceOptions): SequenceOptions {
  const dataType = given.dataType ?? 'bigint';
  const [typeMin, typeMax] = typeRange[dataType] ?? typeRange.bigint!;
  const increment = given.increment ?? '1';
  const ascending = !increment.startsWith('-');
  const minValue = given.minValue ?? (ascending ? '1' : typeMin);
  const maxValue = given.maxValue ?? (ascending ? typeMax : '-1');
  return {
    dataType,
    start: given.start ?? (ascending ? minValue : maxValue),
    increment,
    minValue,
    maxValue,
    cache: given.cache ?? '1',
    cycle: given.cycle ?? false,
  };
}

/** Identity sequences take the column's integer type. */
export function identityDataType(columnType: string): string {
  return columnType === 'smallint' || columnType === 'integer' ? columnType : 'bigint';
}
