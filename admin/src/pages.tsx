import type { ComponentType } from 'react';
import type { Role } from './generated/graphql';
import { ContentPage } from './pages/content';
import { InsightsPage } from './pages/insights';
import { LivePage } from './pages/live/live-page';
import { MembersPage } from './pages/members';
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
 * The console's sections, in navigation order.
 *
 * Moderation (issue 20) goes here once schema.graphql has `moderationQueue`: its operations in
 * admin/operations/moderation.graphql (codegen refuses them until the API has the fields, so the
 * page cannot ship before the API does), the page in pages/moderation/, and
 *   { path: '/moderation', label: 'Moderation', roles: ['ADMIN', 'MODERATOR'], component: ModerationPage },
 * with 'MODERATOR' added to CONSOLE_ROLES (api/session.ts). Suspending a member then joins the
 * member page (pages/members.tsx).
 */
export const SECTIONS: readonly Section[] = [
  { path: '/', label: 'Insights', roles: ['ADMIN'], component: InsightsPage },
  { path: '/content', label: 'Content', roles: ['ADMIN'], component: ContentPage },
  { path: '/rules', label: 'Rules', roles: ['ADMIN'], component: RulesPage },
  { path: '/live', label: 'Live', roles: ['ADMIN'], component: LivePage },
  { path: '/members', label: 'Members', roles: ['ADMIN'], component: MembersPage },
];

/** The section a location belongs to: the longest root that prefixes it. */
export function sectionOf(location: string): Section | undefined {
  return [...SECTIONS]
    .sort((a, b) => b.path.length - a.path.length)
    .find((section) => (section.path === '/' ? location === '/' || location === '' : location === section.path || location.startsWith(`${section.path}/`)));
}
