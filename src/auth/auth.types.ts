/** Roles of internal (admin API) users, from most to least privileged. */
export enum Role {
  Admin = 'admin',
  Operator = 'operator',
  Viewer = 'viewer',
}

export const ALL_ROLES: readonly Role[] = [Role.Admin, Role.Operator, Role.Viewer];
/** Roles that may change models, deployments and access tokens. */
export const WRITE_ROLES: readonly Role[] = [Role.Admin, Role.Operator];

export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** Present (true) while the user must change a generated password before anything else. */
  passwordChangeRequired?: boolean;
}

/** The verified caller of an external route (an issued access token; never its secret). */
export interface AccessTokenPrincipal {
  id: string;
  name: string;
  allowedModels: string[];
}

export type AuthContext =
  | { kind: 'user'; user: AuthUser }
  | { kind: 'accessToken'; token: AccessTokenPrincipal };

/** Route metadata written by @Authenticated / @ExternalAccess and read by the global AuthGuard. */
export type AuthRequirement =
  | {
      kind: 'internal';
      roles: readonly Role[];
      /** Open to a user who still has to change a generated password (me, password change, logout). */
      beforePasswordChange?: boolean;
    }
  | {
      kind: 'external';
      /** Route param holding the model id or name, checked against the token's allow-list. */
      modelParam?: string;
      /** Whether a successful call counts against the token's monthly quota (inference only). */
      countsUsage: boolean;
    };

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
    /** Filled by the access log: which model a request touched. */
    modelId?: string;
    /** Set when the call used one unit of an access token's monthly quota (refunded unless it succeeds). */
    usageCharge?: { tokenId: string; consumedAt: Date; refunded?: boolean };
  }
}
