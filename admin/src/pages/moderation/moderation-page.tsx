import { Link, useRoute } from 'wouter';
import { ModerationLog } from './moderation-log';
import { ModerationQueue } from './moderation-queue';

/** /moderation (the queue of cases) and /moderation/log, for admins and moderators. */
export function ModerationPage() {
  const [isLog] = useRoute('/moderation/log');
  return (
    <>
      <nav aria-label="Moderation" className="subnav">
        <ul>
          <li>
            <Link href="/moderation" aria-current={isLog ? undefined : 'page'}>
              Queue
            </Link>
          </li>
          <li>
            <Link href="/moderation/log" aria-current={isLog ? 'page' : undefined}>
              Log
            </Link>
          </li>
        </ul>
      </nav>
      {isLog ? <ModerationLog /> : <ModerationQueue />}
    </>
  );
}
