import { Member } from '../../schema/identity/member.entity';
import { RefreshToken } from '../../schema/identity/refresh-token.entity';
import { Visit } from '../../schema/tracking/visit.entity';

/** Every persisted entity. A domain adds its entities here (and a migration). */
export const entities = [Member, RefreshToken, Visit];
