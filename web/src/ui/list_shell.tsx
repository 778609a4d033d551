import type { ReactNode } from 'react';
import { Empty, ErrorNote, Loading } from './states';
import type { ApiState } from './use_api';

/**
 * The scaffolding every list screen shares: the loading state on the first load, the API's error (code and
 * message), the empty state, and the list itself only when it has rows. `items` picks the rows out of the answer.
 */
export function ListShell<Data, Item>({
  state,
  what,
  items,
  empty,
  children,
}: {
  state: ApiState<Data>;
  /** "connections": read as "Loading connections…". */
  what: string;
  items: (data: Data) => Item[];
  empty: ReactNode;
  children: (items: Item[]) => ReactNode;
}): ReactNode {
  const list = state.data === undefined ? undefined : items(state.data);
  return (
    <>
      {state.loading && state.data === undefined ? <Loading what={what} /> : null}
      <ErrorNote error={state.error} />
      {list && list.length === 0 ? <Empty>{empty}</Empty> : null}
      {list && list.length > 0 ? children(list) : null}
    </>
  );
}
