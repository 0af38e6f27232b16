import { messageOf } from '../api/hearth';

/** A failed call, in the API's words, with a retry. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <p>{messageOf(error)}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** "Load more" for a Relay connection. */
export function MoreButton({ hasMore, onMore, loading }: { hasMore: boolean; onMore: () => void; loading: boolean }) {
  if (!hasMore) return null;
  return (
    <button type="button" className="more" onClick={onMore} disabled={loading}>
      {loading ? 'Loading…' : 'Load more'}
    </button>
  );
}
