import { useRoute } from 'wouter';
import { RuleList } from './rule-list';
import { RuleScreen } from './rule-screen';

/** /rules, /rules/new and /rules/:id. */
export function RulesPage() {
  const [, params] = useRoute('/rules/:id');
  if (!params) return <RuleList />;
  return <RuleScreen id={params.id === 'new' ? null : params.id} />;
}
