import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken, unwrap, type Schemas } from './lib/api';

type SessionBody = {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: 'admin' | 'operator' | 'viewer'; passwordChangeRequired?: boolean };
};
export type SessionUser = SessionBody['user'];

interface SessionState {
  /** undefined while the first refresh (page load) is in flight. */
  user: SessionUser | null | undefined;
  signIn(username: string, password: string): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

// One refresh at a time: the refresh cookie works once, and a second concurrent use would look
// like a stolen token to the server (which then ends the session).
const SESSION_MARKER = 'modelport_session';
let refreshing: Promise<SessionBody | null> | null = null;
function refreshFromCookie(): Promise<SessionBody | null> {
  // The HttpOnly cookie is invisible to script; its readable, non-secret marker says whether to try.
  if (!document.cookie.split('; ').includes(`${SESSION_MARKER}=1`)) return Promise.resolve(null);
  refreshing ??= unwrap(api.POST('/api/v1/internal/auth/refresh', { body: {} }))
    .then((body) => body as SessionBody)
    .catch(() => null)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const queryClient = useQueryClient();

  const adopt = useCallback((session: SessionBody | null) => {
    clearTimeout(timer.current);
    setAccessToken(session?.accessToken);
    setUser(session?.user ?? null);
    if (session) {
      // Renew a minute before the access token expires, from the HttpOnly cookie.
      const delay = Math.max(10, session.expiresIn - 60) * 1000;
      timer.current = setTimeout(() => void refreshFromCookie().then(adopt), delay);
    }
  }, []);

  useEffect(() => {
    void refreshFromCookie().then(adopt);
    return () => clearTimeout(timer.current);
  }, [adopt]);

  const value = useMemo<SessionState>(
    () => ({
      user,
      async signIn(username, password) {
        const session = await unwrap(api.POST('/api/v1/internal/auth/login', { body: { username, password, refreshCookie: true } }));
        adopt(session as SessionBody);
      },
      async changePassword(currentPassword, newPassword) {
        const session = await unwrap(api.POST('/api/v1/internal/auth/password', { body: { currentPassword, newPassword, refreshCookie: true } }));
        adopt(session as SessionBody);
      },
      async signOut() {
        // Leave the pages first, so no polling request goes out with a token the logout is about to end.
        clearTimeout(timer.current);
        // Forget the session marker first: a reload while the logout is still in flight must not try
        // the refresh cookie the logout is about to revoke.
        document.cookie = `${SESSION_MARKER}=; Max-Age=0; Path=/; SameSite=Strict`;
        setUser(null);
        await queryClient.cancelQueries();
        queryClient.clear();
        try {
          await unwrap(api.POST('/api/v1/internal/auth/logout', { body: {} }));
        } finally {
          setAccessToken(undefined);
        }
      },
    }),
    [user, adopt, queryClient],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only used below the sign-in gate. */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('no user');
  return user;
}

export const canWrite = (user: SessionUser) => user.role === 'admin' || user.role === 'operator';
export const isAdmin = (user: SessionUser) => user.role === 'admin';
export type { Schemas };
