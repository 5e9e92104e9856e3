/**
 * A table partitioned by month with two partitions, and the same schema
 * with January detached (a table of its own): the fixtures of the detach
 * tests, online and under kill -9.
 */
export const partitioned = `
schemas:
  public:
    tables:
      m:
        columns: { id: { type: integer }, day: { type: date } }
        partitionBy: RANGE (day)
      m_2026_01:
        partitionOf: { table: m, bound: "FROM ('2026-01-01') TO ('2026-02-01')" }
      m_2026_02:
        partitionOf: { table: m, bound: "FROM ('2026-02-01') TO ('2026-03-01')" }
`;

export const januaryDetached = partitioned.replace(
  "      m_2026_01:\n        partitionOf: { table: m, bound: \"FROM ('2026-01-01') TO ('2026-02-01')\" }\n",
  '      m_2026_01:\n        columns: { id: { type: integer }, day: { type: date } }\n');
