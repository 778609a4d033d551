import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** The loading state every screen shows while its data is on the way. */
export function Loading({ what }: { what: string }): ReactNode {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** The empty state: says what is missing and what to do about it. */
export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <div className="empty">{children}</div>;
}

/** An error as the API said it: its stable code and its message; anything else is a plain sentence, never a stack. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }): ReactNode {
  if (error === undefined || error === null) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const forbidden = apiError?.status === 403;
  return (
    <div className="error-note" role="alert">
      <p className="error-title">
        {title ?? (forbidden ? 'Not allowed for your role' : 'The request failed')}
        {apiError ? (
          <>
            {' '}
            <code className="error-code">{apiError.code}</code>
          </>
        ) : null}
      </p>
      <p>{apiError ? apiError.message : error instanceof Error && error.name === 'TypeError' ? 'The server could not be reached.' : 'Something went wrong.'}</p>
    </div>
  );
}
