import { evaluateEngagementRulesJob } from '../../jobs/evaluate-engagement-rules.job';
import { createDigestSender, sendDigestJob } from '../../jobs/send-digest.job';
import type { HearthModule } from '../../server/module';
import { DigestClick } from './digest-click.entity';
import type { DigestSender } from './digest-sender';
import { Digest } from './digest.entity';
import { EmailLinks } from './email-links';
import { registerEmailRoutes } from './email.routes';
import { EngagementRule } from './engagement-rule.entity';
import { EmailPreferencesResolver, EngagementRuleResolver } from './engagement.resolver';

declare module '../../server/context' {
  interface DomainDeps {
    emailLinks: EmailLinks;
  }
}

declare module '../../jobs/job-deps' {
  interface JobServices {
    digests: DigestSender;
  }
}

/** Engagement rules and their triggers, digests, email links, clicks and preferences. */
export const engagementModule: HearthModule = {
  name: 'engagement',
  entities: [EngagementRule, Digest, DigestClick],
  resolvers: [EngagementRuleResolver, EmailPreferencesResolver],
  provide: ({ config }) => ({ emailLinks: new EmailLinks(config.jwtSecret, config.publicUrl) }),
  routes: registerEmailRoutes,
  jobs: [evaluateEngagementRulesJob, sendDigestJob],
  jobServices: (base) => ({ digests: createDigestSender(base) }),
};
