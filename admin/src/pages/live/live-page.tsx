import { useRoute } from 'wouter';
import { LiveList } from './live-list';
import { SessionScreen } from './session-screen';

/** /live, /live/new and /live/:id. */
export function LivePage() {
  const [, params] = useRoute('/live/:id');
  if (!params) return <LiveList />;
  return <SessionScreen id={params.id === 'new' ? null : params.id} />;
}
