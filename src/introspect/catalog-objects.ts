/**
 * A set of catalog objects by (catalog, oid), the way pg_depend names them:
 * what the introspector read into the model, and what the catalog holds in
 * scope. Comparing the two is how unmanaged objects are found.
 */
export class CatalogObjects {
  private readonly byCatalog = new Map<string, Set<number>>();

  /** `catalog` as regclass prints it (pg_class, pg_proc, ...). */
  add(catalog: string, oid: number): void {
    let oids = this.byCatalog.get(catalog);
    if (!oids) this.byCatalog.set(catalog, (oids = new Set()));
    oids.add(oid);
  }

  has(catalog: string, oid: number): boolean {
    return this.byCatalog.get(catalog)?.has(oid) ?? false;
  }

  /** Objects in this set and not in `other`. */
  without(other: CatalogObjects): Array<{ catalog: string; oid: number }> {
    const out: Array<{ catalog: string; oid: number }> = [];
    for (const [catalog, oids] of this.byCatalog) for (const oid of oids) if (!other.has(catalog, oid)) out.push({ catalog, oid });
    return out;
  }
}
