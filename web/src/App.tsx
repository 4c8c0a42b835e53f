import { lazy, Suspense } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { Button } from 'react-aria-components';
import { isAdmin, useSession, type SessionUser } from './session';
import { SignIn } from './pages/SignIn';
import { ChangePassword } from './pages/ChangePassword';
import { Models } from './pages/Models';
import { Loading } from './components/Loading';

// Everything but sign-in and the model list loads on first visit, keeping the first page light.
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Upload = lazy(() => import('./pages/Upload'));
const ModelDetail = lazy(() => import('./pages/ModelDetail'));
const Tokens = lazy(() => import('./pages/Tokens'));
const Users = lazy(() => import('./pages/Users'));
const Audit = lazy(() => import('./pages/Audit'));
const System = lazy(() => import('./pages/System'));

function Shell({ user }: { user: SessionUser }) {
  const { signOut } = useSession();
  const links = [
    { to: '/', label: 'Dashboard' },
    { to: '/models', label: 'Models' },
    { to: '/tokens', label: 'Tokens' },
    ...(isAdmin(user) ? [{ to: '/users', label: 'Users' }, { to: '/audit', label: 'Audit' }] : []),
    { to: '/system', label: 'System' },
  ];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Modelport</span>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.to === '/'}>
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span>
            {user.username} <span className="role">({user.role})</span>
          </span>
          <Button className="button secondary" onPress={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Dashboard />} />
            <Route path="/models" element={<Models />} />
            <Route path="/models/new" element={<Upload />} />
            <Route path="/models/:id" element={<ModelDetail />} />
            <Route path="/models/:id/:tab" element={<ModelDetail />} />
            <Route path="/tokens" element={<Tokens />} />
            <Route path="/users" element={isAdmin(user) ? <Users /> : <Navigate to="/" replace />} />
            <Route path="/audit" element={isAdmin(user) ? <Audit /> : <Navigate to="/" replace />} />
            <Route path="/system" element={<System />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing here. Go to the <NavLink to="/models">Models</NavLink> page.
      </p>
    </section>
  );
}

export function App() {
  const { user } = useSession();
  if (user === undefined) return <Loading label="Restoring your session…" />;
  if (user === null) return <SignIn />;
  if (user.passwordChangeRequired) return <ChangePassword forced />;
  return <Shell user={user} />;
}
