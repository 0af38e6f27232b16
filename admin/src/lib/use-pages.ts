import { useEffect, useState } from 'react';

/**
 * The pages of a Relay connection loaded so far, in order ("Load more" appends). Each page is kept
 * under the cursor it was asked with, so an answer seen twice (StrictMode, a retry) replaces
 * itself instead of repeating rows; a new `key` (other filters) starts over.
 */
export function usePages<N>(key: string, after: string | null, nodes: N[] | undefined): N[] {
  const [pages, setPages] = useState<{ key: string; list: { after: string | null; nodes: N[] }[] }>({ key, list: [] });
  useEffect(() => {
    if (!nodes) return;
    setPages((previous) => {
      const list = previous.key === key ? previous.list.filter((page) => page.after !== after) : [];
      return { key, list: [...list, { after, nodes }] };
    });
  }, [key, after, nodes]);
  return pages.key === key ? pages.list.flatMap((page) => page.nodes) : [];
}
