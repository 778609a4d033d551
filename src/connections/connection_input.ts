/** What `POST /tenants/{t}/connections` accepts (after JSON-schema shape checks). */
export interface ConnectionInput {
  name: string;
  roleArn: string;
  region: string;
  tokenConfig: string;
  chain?: ConnectionHopInput[];
  durationSeconds?: number;
  /** A session policy, as JSON text or as the parsed document. */
  sessionPolicy?: string | Record<string, unknown>;
  /** Verify before saving (default true). `false` is for automation and is recorded in the audit log. */
  verify?: boolean;
  /**
   * The workload whose token verifies the connection. Required when verifying: AWS trust policies
   * pin the token's `sub`, so a synthetic subject would test a different identity than the
   * workloads that will use the connection.
   */
  workload?: string;
  /**
   * The scope the connection serves: `workload:<id>`, `tenant`, or comma-joined `deployment:<d>`,
   * `component:<c>`, `region:<r>`. Verification then mints for a workload of it, other workloads get no
   * credentials, and the doctor calls a role that admits workloads outside it too broad.
   */
  scope?: string;
}

export interface ConnectionHopInput {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
}
