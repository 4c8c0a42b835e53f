import { useState, type FormEvent } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { ErrorNote } from '../components/ErrorNote';
import { useSession } from '../session';

export function SignIn() {
  const { signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <main className="center-card" id="main">
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Modelport</h1>
        <TextField className="field" value={username} onChange={setUsername} isRequired autoFocus autoComplete="username">
          <Label>Username</Label>
          <Input />
        </TextField>
        <TextField className="field" type="password" value={password} onChange={setPassword} isRequired autoComplete="current-password">
          <Label>Password</Label>
          <Input />
        </TextField>
        <ErrorNote error={error} />
        <Button type="submit" className="button primary" isDisabled={busy}>
          Sign in
        </Button>
        <p className="hint">On first start the admin password is printed once in the server log (unless ADMIN_PASSWORD is set).</p>
      </form>
    </main>
  );
}
