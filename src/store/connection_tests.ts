import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';

/**
 * One doctor run of a connection. `result` is the doctor's whole answer (steps, diagnosis, probes):
 * claims, ARNs and STS's texts, never a token or credentials.
 */
export interface ConnectionTestsTable {
  id: string;
  tenant_id: string;
  connection: string;
  tested_at: string;
  /** `manual` (API/CLI), `schedule` (drift watch), `setup`, `verify`. */
  trigger: string;
  /** 1 when the exchange succeeded and every probe was refused. */
  ok: number;
  diagnosis_code: string | null;
  /** JSON array of the probe kinds the role accepted (should be empty). */
  accepted_probes: string;
  duration_ms: number;
  result: string;
}

export interface ConnectionTestRecord {
  id: string;
  tenantId: string;
  connection: string;
  testedAt: string;
  trigger: string;
  ok: boolean;
  diagnosisCode: string | null;
  acceptedProbes: string[];
  durationMs: number;
  result: Record<string, unknown>;
}

export type NewConnectionTest = Omit<ConnectionTestRecord, 'id'>;

type WithConnectionTests = Database & {
  connection_tests: ConnectionTestsTable;
  connections: { tenant_id: string; name: string };
};

function fromRow(row: Selectable<ConnectionTestsTable>): ConnectionTestRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    connection: row.connection,
    testedAt: row.tested_at,
    trigger: row.trigger,
    ok: Number(row.ok) === 1,
    diagnosisCode: row.diagnosis_code,
    acceptedProbes: JSON.parse(row.accepted_probes) as string[],
    durationMs: Number(row.duration_ms),
    result: JSON.parse(row.result) as Record<string, unknown>,
  };
}

/** Test history per connection, newest first; the drift watch compares a run with the one before. */
export class ConnectionTestRepository {
  private readonly db: Kysely<WithConnectionTests>;

  constructor(db: Kysely<Database>) {
    // The table comes with migration 003_connection_tests; withTables keeps this file self-contained.
    this.db = db.withTables<{ connection_tests: ConnectionTestsTable; connections: { tenant_id: string; name: string } }>();
  }

  async record(input: NewConnectionTest): Promise<ConnectionTestRecord> {
    const test = { ...input, durationMs: Math.round(input.durationMs) };
    // Time-ordered ids so that runs in the same millisecond keep their order.
    const id = `ct_${Date.parse(test.testedAt).toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
    await this.db
      .insertInto('connection_tests')
      .values({
        id,
        tenant_id: test.tenantId,
        connection: test.connection,
        tested_at: test.testedAt,
        trigger: test.trigger,
        ok: test.ok ? 1 : 0,
        diagnosis_code: test.diagnosisCode,
        accepted_probes: JSON.stringify(test.acceptedProbes),
        duration_ms: test.durationMs,
        result: JSON.stringify(test.result),
      })
      .execute();
    return { id, ...test };
  }

  async latest(tenantId: string, connection: string): Promise<ConnectionTestRecord | undefined> {
    return (await this.history(tenantId, connection, 1))[0];
  }

  async history(tenantId: string, connection: string, limit = 50): Promise<ConnectionTestRecord[]> {
    const rows = await this.db
      .selectFrom('connection_tests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection', '=', connection)
      .orderBy('tested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Every connection of every tenant: what the drift watch re-tests. */
  async connectionsToWatch(): Promise<Array<{ tenantId: string; connection: string }>> {
    const rows = await this.db.selectFrom('connections').select(['tenant_id', 'name']).orderBy('tenant_id').orderBy('name').execute();
    return rows.map((row) => ({ tenantId: row.tenant_id, connection: row.name }));
  }
}
