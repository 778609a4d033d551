/**
 * The flat `Name=value` parameters of an AWS Query request, with the protocol's list encodings:
 * `ClientIDList.member.1=…`, `Tags.member.1.Key=…&Tags.member.1.Value=…`, `PolicyArns.member.1.arn=…`.
 */
export class QueryParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  static fromSearchParams(...sources: URLSearchParams[]): QueryParams {
    const values = new Map<string, string>();
    for (const source of sources) for (const [name, value] of source) values.set(name, value);
    return new QueryParams(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** `Name.member.N` in order of N. */
  list(name: string): string[] {
    return this.indexes(`${name}.member.`).map((i) => this.values.get(`${name}.member.${i}`) ?? '');
  }

  /** `Name.member.N.Field` structures. */
  structures(name: string, fields: readonly string[]): Array<Record<string, string | undefined>> {
    const prefix = `${name}.member.`;
    return this.indexes(prefix).map((i) =>
      Object.fromEntries(fields.map((field) => [field, this.values.get(`${prefix}${i}.${field}`)])),
    );
  }

  /** Every parameter except those named, e.g. to record request parameters without secrets. */
  entries(): Array<[string, string]> {
    return [...this.values.entries()];
  }

  private indexes(prefix: string): number[] {
    const found = new Set<number>();
    for (const name of this.values.keys()) {
      if (!name.startsWith(prefix)) continue;
      const index = Number.parseInt(name.slice(prefix.length), 10);
      if (Number.isInteger(index) && index > 0) found.add(index);
    }
    return [...found].sort((a, b) => a - b);
  }
}
