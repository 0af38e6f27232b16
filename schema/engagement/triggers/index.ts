import { registerEnumType } from 'type-graphql';
import { inactivityTrigger } from './inactivity.trigger';
import { unseenBacklogTrigger } from './unseen-backlog.trigger';
import type { EngagementTriggerDefinition } from './trigger';

/** Every trigger. Adding one is a file beside these and a line here. */
const TRIGGERS = [inactivityTrigger, unseenBacklogTrigger] as const;

export type EngagementTrigger = (typeof TRIGGERS)[number]['kind'];
export const EngagementTrigger = Object.fromEntries(TRIGGERS.map((trigger) => [trigger.kind, trigger.kind])) as {
  [Kind in EngagementTrigger]: Kind;
};

registerEnumType(EngagementTrigger, {
  name: 'EngagementTrigger',
  description: 'What makes a rule send a digest (PRODUCT.md, "Engagement rules").',
  valuesConfig: Object.fromEntries(TRIGGERS.map((trigger) => [trigger.kind, { description: trigger.description }])),
});

export function triggerOf(kind: string): EngagementTriggerDefinition {
  const trigger = TRIGGERS.find((candidate) => candidate.kind === kind);
  if (!trigger) throw new Error(`Unknown engagement trigger ${kind}`);
  return trigger;
}
