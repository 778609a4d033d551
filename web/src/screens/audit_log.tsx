import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { AuditEvent, Tenant } from '../api/types';
import { formatTime } from '../ui/age';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { useApi } from '../ui/use_api';

const TOKEN_ACTIONS = new Set(['token.issued', 'credentials.exchanged']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The tenant's audit log, newest first; the action filter is the API's, actor and workload narrow what came back. */
export function AuditLogScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const [filters, setFilters] = useState({ action: '', actor: '', workload: '' });
  const [draft, setDraft] = useState(filters);
  const events = useApi(
    (signal) => call<{ events: AuditEvent[] }>('audit', { params: { tenant: tenant.id }, query: { action: filters.action || undefined, limit: 1000 }, signal }),
    `audit:${tenant.id}:${filters.action}`,
  );
  const shown = (events.data?.events ?? [])
    .filter((event) => !filters.actor || event.actor.includes(filters.actor))
    .filter((event) => !filters.workload || [event.actor, event.target ?? '', text(event.details.workload) ?? ''].some((value) => value.includes(filters.workload)))
    .reverse();

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    setFilters(draft);
  };

  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <form onSubmit={apply} className="filters" role="search" aria-label="Filter the audit log">
        <label htmlFor="audit-action">Action</label>
        <input id="audit-action" list="audit-actions" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })} placeholder="token.issued" />
        <datalist id="audit-actions">
          {['tenant.created', 'token_config.created', 'workload.created', 'connection.created', 'connection.verification_failed', 'connection.tested', 'token.issued', 'credentials.exchanged', 'setup_code.created'].map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <label htmlFor="audit-actor">Actor</label>
        <input id="audit-actor" value={draft.actor} onChange={(event) => setDraft({ ...draft, actor: event.target.value })} placeholder="admin:… or workload:…" />
        <label htmlFor="audit-workload">Workload</label>
        <input id="audit-workload" value={draft.workload} onChange={(event) => setDraft({ ...draft, workload: event.target.value })} />
        <button type="submit">Filter</button>
      </form>
      {events.loading && !events.data ? <Loading what="the audit log" /> : null}
      <ErrorNote error={events.error} />
      {events.data && shown.length === 0 ? <Empty>No audit events{filters.action || filters.actor || filters.workload ? ' match these filters' : ' yet'}.</Empty> : null}
      {shown.length > 0 ? (
        <table>
          <caption>
            Audit events, newest first ({shown.length}); token events carry the jti and session name CloudTrail shows
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">jti / session name</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((event) => {
              const jti = text(event.details.jti);
              const sessionName = text(event.details.sessionName);
              return (
                <tr key={event.id}>
                  <td>{formatTime(event.occurredAt)}</td>
                  <td>
                    <code>{event.action}</code>
                  </td>
                  <td>
                    <span className={event.outcome === 'success' ? 'badge ok' : 'badge failed'}>{event.outcome}</span>
                  </td>
                  <td>
                    <code>{event.actor}</code>
                  </td>
                  <td>{event.target ?? '—'}</td>
                  <td>
                    {jti ? (
                      <>
                        jti <code>{jti}</code>
                        <br />
                        {sessionName ? (
                          <>
                            session <code>{sessionName}</code>
                          </>
                        ) : TOKEN_ACTIONS.has(event.action) ? (
                          <span className="hint">session name chosen by the SDK that used the token</span>
                        ) : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <code className="details">{JSON.stringify(event.details)}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
