import { LogOut, Moon, Sun } from 'lucide-react';
import { SignIn } from '../auth/SignIn';
import { signOut, useAuth } from '../auth/session';
import { EventPage } from '../event/EventPage';
import { IdentityPage } from '../identity/IdentityPage';
import { RunPage } from '../run/RunPage';
import { SearchPage } from '../search/SearchPage';
import { useTheme } from '../ui/theme';
import { Link, useLocation } from './router';

function Route() {
  const location = useLocation();
  const { path } = location;
  if (path === '/' || path === '/search') return <SearchPage location={location} />;
  if (path.startsWith('/identity/')) {
    const ref = decodeURIComponent(path.slice('/identity/'.length));
    return <IdentityPage key={ref} location={location} ref={ref} />;
  }
  if (path.startsWith('/run/')) {
    const id = path.slice('/run/'.length).split('/').map(decodeURIComponent).join('/');
    return <RunPage key={id} location={location} id={id} />;
  }
  if (path === '/event') return <EventPage location={location} />;
  return (
    <main className="page">
      <div className="alert" role="alert">
        No page at <span className="mono">{path}</span>. <Link to="/">Search events</Link>
      </div>
    </main>
  );
}

export function App() {
  const [theme, setTheme] = useTheme();
  const auth = useAuth();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="auditgraph: search">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          auditgraph
        </Link>
        <nav aria-label="Main">
          <Link to="/">Search</Link>
          <a href="/graphql">GraphQL</a>
        </nav>
        <div className="topbar-actions">
          {auth.credential && (
            <button type="button" className="subtle" onClick={signOut} aria-label="Sign out">
              <LogOut size={16} aria-hidden="true" /> {auth.credential.kind === 'apiKey' ? 'API key' : 'Signed in'}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            title="Theme"
          >
            {theme === 'dark' ? <Sun size={18} aria-hidden="true" /> : <Moon size={18} aria-hidden="true" />}
          </button>
        </div>
      </header>
      {auth.required && !auth.credential ? <SignIn reason={auth.required} /> : <Route />}
    </div>
  );
}
