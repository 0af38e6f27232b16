import type { Actor } from './world';

/**
 * Who may call what: every Query, Mutation and Subscription field, with what each actor gets.
 * `ok` is an answer without errors; otherwise the error's `extensions.code`. The first five
 * columns call the field on its ordinary target (the actor's own item, conversation, comment,
 * meeting, a session they registered to…); `cases` call it on a target that belongs to someone
 * else. test/authorization.test.ts runs every cell against a real server, and fails when a field
 * of the schema has no row here: a new operation ships with its row.
 */
export type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
export type Cells = Record<Actor, Outcome>;
export interface Row extends Cells {
  /** Ownership cases: the target is someone else's; the outcome per actor (anonymous is always UNAUTHENTICATED). */
  cases?: Record<string, Omit<Cells, 'anonymous'>>;
}

/** A moderator is a member for everything but moderation: their cell is the member's unless given. */
const cells = (
  anonymous: Outcome,
  member: Outcome,
  speaker: Outcome,
  partner: Outcome,
  admin: Outcome,
  moderator: Outcome = member,
): Cells => ({ anonymous, member, speaker, partner, admin, moderator });
const others = (member: Outcome, speaker: Outcome, partner: Outcome, admin: Outcome, moderator: Outcome = member) => ({
  member,
  speaker,
  partner,
  admin,
  moderator,
});

/** No account needed. */
const ANYONE = cells('ok', 'ok', 'ok', 'ok', 'ok');
/** Any logged-in member. */
const MEMBERS = cells('UNAUTHENTICATED', 'ok', 'ok', 'ok', 'ok');
const ADMINS = cells('UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok');
/** Content authors: speakers and admins. */
const AUTHORS = cells('UNAUTHENTICATED', 'FORBIDDEN', 'ok', 'FORBIDDEN', 'ok');
/** Moderation: admins and moderators. */
const MODERATORS = cells('UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok', 'ok');
const PARTNERS = cells('UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'ok', 'ok');

/** Private to its members: anyone else, an admin too, is told it does not exist. */
const HIDDEN = others('NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND');
/** The member's own, or an admin. */
const SELF_OR_ADMIN = others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok');
/** Those who take part in the session (registrants, its speakers) and admins. */
const PARTICIPANTS = others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok');

export const MATRIX: Record<string, Row> = {
  // Queries
  'Query.atRiskMembers': ADMINS,
  'Query.comments': MEMBERS,
  'Query.companyEngagement': ADMINS,
  'Query.content': { ...MEMBERS, cases: { 'someone else’s draft': others('NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'ok') } },
  'Query.contentReach': ADMINS,
  'Query.conversation': { ...MEMBERS, cases: { 'a conversation of two others': HIDDEN } },
  'Query.conversations': MEMBERS,
  'Query.engagementRuleStats': ADMINS,
  'Query.engagementRuleStatsTrend': ADMINS,
  'Query.engagementRules': ADMINS,
  'Query.feed': MEMBERS,
  'Query.liveSession': MEMBERS,
  'Query.liveSessionStats': { ...PARTNERS, cases: { 'another partner’s session': others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok') } },
  'Query.liveSessions': MEMBERS,
  'Query.liveSessionsSummary': ADMINS,
  'Query.me': MEMBERS,
  'Query.meeting': { ...MEMBERS, cases: { 'a meeting of two others': HIDDEN } },
  'Query.member': MEMBERS,
  'Query.memberActivity': { ...MEMBERS, cases: { 'another member': SELF_OR_ADMIN } },
  'Query.memberEngagement': { ...MEMBERS, cases: { 'another member': SELF_OR_ADMIN } },
  'Query.memberVisits': ADMINS,
  'Query.members': ADMINS,
  'Query.moderationLog': MODERATORS,
  'Query.moderationQueue': MODERATORS,
  'Query.myMeetings': MEMBERS,
  'Query.notifications': MEMBERS,
  'Query.partnerLeads': { ...PARTNERS, cases: { 'another partner’s leads': others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok') } },
  'Query.previewEngagementRule': ADMINS,
  'Query.revisitFrequency': ADMINS,
  'Query.revisitFrequencyTrend': ADMINS,
  'Query.search': MEMBERS,
  'Query.sessionChatMessages': { ...MEMBERS, cases: { 'a session they take no part in': PARTICIPANTS } },
  'Query.suggestedPeers': MEMBERS,
  'Query.themes': MEMBERS,
  'Query.unreadNotificationCount': MEMBERS,

  // Mutations
  'Mutation.addComment': MEMBERS,
  'Mutation.archiveContent': { ...AUTHORS, cases: { 'someone else’s item': others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok') } },
  'Mutation.blockMember': MEMBERS,
  'Mutation.cancelLiveSession': ADMINS,
  'Mutation.cancelRegistration': MEMBERS,
  'Mutation.createContent': AUTHORS,
  'Mutation.createEngagementRule': ADMINS,
  'Mutation.createTheme': ADMINS,
  'Mutation.deleteComment': { ...MEMBERS, cases: { 'another member’s comment': SELF_OR_ADMIN } },
  'Mutation.deleteEngagementRule': ADMINS,
  'Mutation.editComment': { ...MEMBERS, cases: { 'another member’s comment': others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN') } },
  'Mutation.joinLiveSession': { ...MEMBERS, cases: { 'a session they did not register to': PARTICIPANTS } },
  'Mutation.joinMeeting': { ...MEMBERS, cases: { 'a meeting of two others': HIDDEN } },
  'Mutation.logIn': ANYONE,
  'Mutation.logOut': ANYONE,
  'Mutation.markConversationRead': { ...MEMBERS, cases: { 'a conversation of two others': HIDDEN } },
  'Mutation.markNotificationsRead': MEMBERS,
  // Someone else's draft is hidden from a speaker (NOT_FOUND); their published item is not (FORBIDDEN).
  'Mutation.publishContent': { ...AUTHORS, cases: { 'someone else’s item': others('FORBIDDEN', 'NOT_FOUND', 'FORBIDDEN', 'ok') } },
  'Mutation.recordContentView': MEMBERS,
  'Mutation.recordContentViews': MEMBERS,
  'Mutation.refreshSession': ANYONE,
  'Mutation.registerForSession': MEMBERS,
  'Mutation.report': MEMBERS,
  'Mutation.requestMeeting': MEMBERS,
  'Mutation.resolveReport': MODERATORS,
  'Mutation.respondToMeetingRequest': {
    ...MEMBERS,
    cases: { 'a request they made': others('FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN') },
  },
  'Mutation.scheduleLiveSession': ADMINS,
  'Mutation.sendMessage': MEMBERS,
  'Mutation.sendSessionChatMessage': { ...MEMBERS, cases: { 'a session they take no part in': PARTICIPANTS } },
  'Mutation.setEngagementRuleEnabled': ADMINS,
  'Mutation.setInterests': MEMBERS,
  'Mutation.setMemberRole': ADMINS,
  'Mutation.setMembership': ADMINS,
  'Mutation.signUp': ANYONE,
  'Mutation.startSessionRecording': ADMINS,
  'Mutation.suspendMember': MODERATORS,
  'Mutation.unblockMember': MEMBERS,
  'Mutation.unsuspendMember': MODERATORS,
  'Mutation.updateContent': { ...AUTHORS, cases: { 'someone else’s item': others('FORBIDDEN', 'NOT_FOUND', 'FORBIDDEN', 'ok') } },
  'Mutation.updateEmailPreferences': MEMBERS,
  'Mutation.updateEngagementRule': ADMINS,
  'Mutation.updateLiveSession': ADMINS,
  'Mutation.updateProfile': MEMBERS,
  'Mutation.updateTheme': ADMINS,

  // Subscriptions (over WebSocket: the first message is the refusal, or none once set up)
  'Subscription.commentAdded': MEMBERS,
  'Subscription.contentPublished': MEMBERS,
  'Subscription.liveSessionUpdated': MEMBERS,
  'Subscription.messageAdded': MEMBERS,
  'Subscription.notificationAdded': MEMBERS,
  'Subscription.sessionChatMessageAdded': { ...MEMBERS, cases: { 'a session they take no part in': PARTICIPANTS } },
  'Subscription.unreadNotificationCountChanged': MEMBERS,
};
