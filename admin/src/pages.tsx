import type { ComponentType } from 'react';
import type { Role } from './generated/graphql';
import { ContentPage } from './pages/content';
import { InsightsPage } from './pages/insights';
import { LivePage } from './pages/live/live-page';
import { MembersPage } from './pages/members';
import { ModerationPage } from './pages/moderation/moderation-page';
import { RulesPage } from './pages/rules/rules-page';

export interface Section {
  /** The section's root; its sub-pages (`/rules/:id`) are routed by the section's component. */
  path: string;
  label: string;
  /** Who sees it; every role listed must also be in CONSOLE_ROLES to log in. */
  roles: readonly Role[];
  component: ComponentType;
}

/**
 * The console's sections, in navigation order. A moderator sees Moderation only: the API refuses
 * them KPIs, rules, content and the member list, so the console shows no link that would fail.
 */
export const SECTIONS: readonly Section[] = [
  { path: '/', label: 'Insights', roles: ['ADMIN'], component: InsightsPage },
  { path: '/content', label: 'Content', roles: ['ADMIN'], component: ContentPage },
  { path: '/rules', label: 'Rules', roles: ['ADMIN'], component: RulesPage },
  { path: '/live', label: 'Live', roles: ['ADMIN'], component: LivePage },
  { path: '/members', label: 'Members', roles: ['ADMIN'], component: MembersPage },
  { path: '/moderation', label: 'Moderation', roles: ['ADMIN', 'MODERATOR'], component: ModerationPage },
];

/** The section a location belongs to: the longest root that prefixes it. */
export function sectionOf(location: string): Section | undefined {
  return [...SECTIONS]
    .sort((a, b) => b.path.length - a.path.length)
    .find((section) =>
      section.path === '/' ? location === '/' || location === '' : location === section.path || location.startsWith(`${section.path}/`),
    );
}
