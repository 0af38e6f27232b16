import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useState } from 'react';
import { api } from './session';

export interface QueryState<T> {
  data: T | undefined;
  /** Whether `data` answers the current variables (not the previous ones, still shown while loading). */
  fresh: boolean;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a query whenever its variables change. The previous data stays on screen while the next
 * loads (no flicker between date ranges); an answer that arrives after newer variables is dropped.
 */
export function useGraphQL<T, V>(document: TypedDocumentNode<T, V>, variables: V, options: { skip?: boolean } = {}): QueryState<T> {
  const [state, setState] = useState<{ data?: T; dataKey?: string; error?: unknown; loading: boolean }>({ loading: !options.skip });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    let current = true;
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    (api.query as (d: TypedDocumentNode<T, V>, v: V) => Promise<T>)(document, JSON.parse(key) as V).then(
      (data) => current && setState({ data, dataKey: key, loading: false }),
      (error: unknown) => current && setState((previous) => ({ ...previous, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [document, key, generation, options.skip]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, fresh: state.dataKey === key, error: state.error, loading: state.loading, reload };
}

/** Calls a mutation; `run` resolves with its data or rejects with the API's error. */
export function useMutation<T, V>(document: TypedDocumentNode<T, V>) {
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async (variables: V): Promise<T> => {
      setPending(true);
      try {
        return await (api.mutate as (d: TypedDocumentNode<T, V>, v: V) => Promise<T>)(document, variables);
      } finally {
        setPending(false);
      }
    },
    [document],
  );
  return { run, pending };
}
