import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditAction } from './audit_actions.js';
import type { DialectName } from './open_database.js';
import type { AuditRowValues } from './sqlite_audit_writer.js';
import type { AuditEventsTable, Database } from './schema.js';

/**
 * One audit event. `details` must never hold secrets (tokens, keys): record a token's jti, not the token.
 * `action` names are dotted verbs (`token.issued`, `tenant.created`, `connection.verify_skipped`).
 */
export interface AuditEvent {
  id: string;
  occurredAt: string;
  tenantId: string | null;
  /**
   * Who: `admin:<key id>`, `workload:<id>`, `setup:<code id>`, `system:<job>`, or for an IdP user the object
   * `{type: "user", sub, email?, issuer}` (stored as its JSON text).
   */
  actor: string | Record<string, unknown>;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  requestId: string | null;
  details: Record<string, unknown>;
}

/** An event to record: its action comes from the catalogue (audit_actions.ts). */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'occurredAt' | 'requestId' | 'target' | 'tenantId' | 'outcome' | 'details' | 'actor' | 'action'> & {
  /** The actor text (see AuditEvent.actor). */
  actor: string;
  action: AuditAction;
} &
  Partial<Pick<AuditEvent, 'occurredAt' | 'requestId' | 'target' | 'tenantId' | 'outcome' | 'details'>>;

function fromRow(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    tenantId: row.tenant_id,
    actor: actorOfText(row.actor),
    action: row.action,
    target: row.target,
    outcome: row.outcome === 'failure' ? 'failure' : 'success',
    requestId: row.request_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** An actor written as JSON (IdP users) reads back as its object; every other actor is plain text. */
function actorOfText(text: string): string | Record<string, unknown> {
  if (!text.startsWith('{')) return text;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return text;
  }
}

let lastIdTime = 0;
let sequence = 0;
// Random suffixes come from a pooled buffer: one randomBytes call per 819 events instead of one per event
// (token issuance writes one event per token).
const RANDOM_POOL_BYTES = 4095;
let randomPool = randomBytes(RANDOM_POOL_BYTES);
let randomOffset = 0;

function randomSuffix(): string {
  if (randomOffset + 5 > RANDOM_POOL_BYTES) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const suffix = randomPool.toString('hex', randomOffset, randomOffset + 5);
  randomOffset += 5;
  return suffix;
}

/** An event as it is stored: its id and time given, defaults filled in. */
export function completeEvent(event: NewAuditEvent): AuditEvent {
  const now = Date.now();
  return {
    id: nextEventId(now),
    occurredAt: event.occurredAt ?? new Date(now).toISOString(),
    tenantId: event.tenantId ?? null,
    actor: actorOfText(event.actor),
    action: event.action,
    target: event.target ?? null,
    outcome: event.outcome ?? 'success',
    requestId: event.requestId ?? null,
    details: event.details ?? {},
  };
}

/** The row's column values, in the order of AuditRowValues. */
export function rowValuesOf(full: AuditEvent): AuditRowValues {
  return [
    full.id,
    full.occurredAt,
    full.tenantId,
    typeof full.actor === 'string' ? full.actor : JSON.stringify(full.actor),
    full.action,
    full.target,
    full.outcome,
    full.requestId,
    JSON.stringify(full.details),
  ];
}

/** Time-ordered ids: events written in the same millisecond still sort in write order. */
function nextEventId(now: number): string {
  if (now === lastIdTime) sequence += 1;
  else {
    lastIdTime = now;
    sequence = 0;
  }
  return `evt_${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${randomSuffix()}`;
}

export interface AuditQuery {
  tenantId?: string;
  action?: string;
  /** Return events after this id (exclusive), for paging. */
  after?: string;
  limit?: number;
}

export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName = 'sqlite',
  ) {}

  async record(event: NewAuditEvent): Promise<AuditEvent> {
    const [full] = await this.recordMany([event]);
    return full as AuditEvent;
  }

  /**
   * Several events at once (the issuer batches `token.issued` events off its hot path). PostgreSQL: one
   * INSERT … SELECT FROM unnest of nine array parameters, the same statement text for any batch size. SQLite: a
   * multi-row INSERT, rows per statement well under its bound-parameter limit.
   */
  async recordMany(events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
    const all = events.map((event) => completeEvent(event));
    const rows = all.map(rowValuesOf);
    if (this.dialect === 'postgres') {
      if (rows.length > 0) {
        const columns = Array.from({ length: 9 }, (_, column) => rows.map((row) => row[column]));
        await sql`INSERT INTO audit_events (id, occurred_at, tenant_id, actor, action, target, outcome, request_id, details)
          SELECT * FROM unnest(${columns[0]}::text[], ${columns[1]}::text[], ${columns[2]}::text[], ${columns[3]}::text[], ${columns[4]}::text[],
            ${columns[5]}::text[], ${columns[6]}::text[], ${columns[7]}::text[], ${columns[8]}::text[])`.execute(this.db);
      }
      return all;
    }
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await this.db
        .insertInto('audit_events')
        .values(
          chunk.map(([id, occurredAt, tenantId, actor, action, target, outcome, requestId, details]) => ({
            id,
            occurred_at: occurredAt,
            tenant_id: tenantId,
            actor,
            action,
            target,
            outcome,
            request_id: requestId,
            details,
          })),
        )
        .execute();
    }
    return all;
  }

  async list(query: AuditQuery = {}): Promise<AuditEvent[]> {
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.tenantId !== undefined) select = select.where('tenant_id', '=', query.tenantId);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.after !== undefined) select = select.where('id', '>', query.after);
    const rows = await select.orderBy('id').limit(Math.min(query.limit ?? 100, 1000)).execute();
    return rows.map(fromRow);
  }
}
