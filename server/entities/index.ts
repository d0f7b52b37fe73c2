import { ApiTokenSchema } from './api-token.entity.js';
import { AuditEventSchema } from './audit-event.entity.js';
import { ClientSchema } from './client.entity.js';
import { LoginFailureSchema } from './login-failure.entity.js';
import { LoginLockoutSchema } from './login-lockout.entity.js';
import { NotificationSchema } from './notification.entity.js';
import { OutboxEmailSchema } from './outbox-email.entity.js';
import { SessionSchema } from './session.entity.js';
import { UserLinkSchema } from './user-link.entity.js';
import { RecoveryCodeSchema } from './recovery-code.entity.js';
import { TwoFactorChallengeSchema } from './two-factor-challenge.entity.js';
import { TicketSchema } from './ticket.entity.js';
import { UserClientSchema } from './user-client.entity.js';
import { UserSchema } from './user.entity.js';

/** Every entity the ORM knows, for its configuration. */
export const ENTITIES = [UserSchema, UserClientSchema, ClientSchema, LoginFailureSchema, LoginLockoutSchema, TicketSchema, NotificationSchema, OutboxEmailSchema, AuditEventSchema, SessionSchema, UserLinkSchema, RecoveryCodeSchema, TwoFactorChallengeSchema, ApiTokenSchema];
