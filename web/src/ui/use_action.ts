import { useCallback, useState } from 'react';

export interface Action<Args extends unknown[], Result> {
  /** Runs the action; resolves to its result, or to undefined when it failed (the failure is in `error`). */
  run: (...args: Args) => Promise<Result | undefined>;
  busy: boolean;
  /** The last failure (an ApiError when the API refused), cleared when the action runs again. */
  error: unknown;
  reset: () => void;
}

/**
 * One change the person asks for (submit a form, confirm a revocation): busy while it runs so the button cannot
 * fire twice, the API's refusal kept for ErrorNote. Every form and confirmation of the console goes through it.
 */
export function useAction<Args extends unknown[], Result>(perform: (...args: Args) => Promise<Result>): Action<Args, Result> {
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: undefined });
  // `perform` is re-created every render and reads that render's values: running the latest one is the intent.
  const run = async (...args: Args): Promise<Result | undefined> => {
    setState({ busy: true, error: undefined });
    try {
      const result = await perform(...args);
      setState({ busy: false, error: undefined });
      return result;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  };
  const reset = useCallback(() => setState({ busy: false, error: undefined }), []);
  return { run, busy: state.busy, error: state.error, reset };
}
