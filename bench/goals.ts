/** Medians by profile, then by table count, then by command label. */
export type Results = Record<string, Record<number, Record<string, { wall: number; rssMiB: number }>>>;

export interface Labels { pgDump: string; noChange: string; changed: string; changedBare: string; apply: string }

/**
 * The performance goals, each with what this run measured and whether it
 * holds: no-change plans against pg_dump (plain 1,000 and 5,000 tables, the
 * rich profile), 5% plans (without the rehearsal, which is held to its own
 * goal: it may cost at most one apply of the same plan), peak RSS at 5,000
 * tables. A goal whose size was not measured is left out.
 */
export function goalLines(results: Results, l: Labels): string[] {
  const lines: string[] = [];
  const goal = (text: string, value: number, limit: number, unit: string) =>
    lines.push(`- ${value <= limit ? 'met' : 'NOT met'}: ${text}: ${value.toFixed(2)}${unit} (goal ≤ ${limit}${unit})`);
  const ratio = (r: Record<string, { wall: number }>, label: string) => r[label]!.wall / r[l.pgDump]!.wall;
  const at = (profile: string, size: number) => results[profile]?.[size];
  const plain1000 = at('plain', 1000);
  if (plain1000) goal('plain 1,000 tables, no-change plan vs pg_dump', ratio(plain1000, l.noChange), 1.0, '×');
  const plain5000 = at('plain', 5000);
  if (plain5000) goal('plain 5,000 tables, no-change plan vs pg_dump', ratio(plain5000, l.noChange), 0.7, '×');
  for (const [size, r] of Object.entries(results.rich ?? {})) goal(`rich ${Number(size).toLocaleString('en-US')} tables, no-change plan vs pg_dump`, ratio(r, l.noChange), 1.5, '×');
  for (const [profile, bySize] of Object.entries(results)) {
    for (const [size, r] of Object.entries(bySize)) {
      const where = `${profile} ${Number(size).toLocaleString('en-US')} tables`;
      goal(`${where}, 5% plan (--no-rehearse) vs pg_dump`, ratio(r, l.changedBare), 1.5, '×');
      goal(`${where}, the rehearsal's cost (rehearsed − not) vs applying the plan`, (r[l.changed]!.wall - r[l.changedBare]!.wall) / r[l.apply]!.wall, 1.0, '×');
    }
  }
  if (plain5000) goal('plain 5,000 tables, highest peak RSS of any command', Math.max(...Object.values(plain5000).map((x) => x.rssMiB)), 200, ' MiB');
  return lines;
}
