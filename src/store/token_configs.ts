import type { Kysely, Selectable } from 'kysely';
import type { Database, TokenConfigsTable } from './schema.js';

export interface SessionTagsRecord {
  principalTags: Record<string, string>;
  transitiveTagKeys: string[];
}

export interface TokenConfigRecord {
  tenantId: string;
  name: string;
  audience: string;
  subjectTemplate: string;
  lifetimeSeconds: number;
  claims: Record<string, unknown>;
  sessionTags: SessionTagsRecord | null;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: Selectable<TokenConfigsTable>): TokenConfigRecord {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    audience: row.audience,
    subjectTemplate: row.subject_template,
    lifetimeSeconds: Number(row.lifetime_seconds),
    claims: JSON.parse(row.claims) as Record<string, unknown>,
    sessionTags: row.session_tags === null ? null : (JSON.parse(row.session_tags) as SessionTagsRecord),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class TokenConfigRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(config: TokenConfigRecord): Promise<void> {
    await this.db
      .insertInto('token_configs')
      .values({
        tenant_id: config.tenantId,
        name: config.name,
        audience: config.audience,
        subject_template: config.subjectTemplate,
        lifetime_seconds: config.lifetimeSeconds,
        claims: JSON.stringify(config.claims),
        session_tags: config.sessionTags === null ? null : JSON.stringify(config.sessionTags),
        created_at: config.createdAt,
        updated_at: config.updatedAt,
      })
      .execute();
  }

  /** Rewrites a config's settings (never its name or creation time); false when there is no such config. */
  async update(config: TokenConfigRecord): Promise<boolean> {
    const result = await this.db
      .updateTable('token_configs')
      .set({
        audience: config.audience,
        subject_template: config.subjectTemplate,
        lifetime_seconds: config.lifetimeSeconds,
        claims: JSON.stringify(config.claims),
        session_tags: config.sessionTags === null ? null : JSON.stringify(config.sessionTags),
        updated_at: config.updatedAt,
      })
      .where('tenant_id', '=', config.tenantId)
      .where('name', '=', config.name)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async find(tenantId: string, name: string): Promise<TokenConfigRecord | undefined> {
    const row = await this.db
      .selectFrom('token_configs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async list(tenantId: string): Promise<TokenConfigRecord[]> {
    const rows = await this.db.selectFrom('token_configs').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    return rows.map(fromRow);
  }
}
