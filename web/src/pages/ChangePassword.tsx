import { useState, type FormEvent } from 'react';
import { Button, Input, Label, Text, TextField } from 'react-aria-components';
import { ErrorNote } from '../components/ErrorNote';
import { useSession } from '../session';

export function ChangePassword({ forced }: { forced?: boolean }) {
  const { changePassword, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const mismatch = repeat !== '' && next !== repeat;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) return;
    setError(null);
    try {
      await changePassword(current, next);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <main className="center-card" id="main">
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="change-title">
        <h1 id="change-title">Choose a new password</h1>
        {forced && <p>This account still has the password generated at first start. Choose your own before going on.</p>}
        <TextField className="field" type="password" value={current} onChange={setCurrent} isRequired autoComplete="current-password">
          <Label>Current password</Label>
          <Input />
        </TextField>
        <TextField className="field" type="password" value={next} onChange={setNext} isRequired minLength={8} autoComplete="new-password">
          <Label>New password</Label>
          <Input />
          <Text slot="description">At least 8 characters; a long passphrase is best.</Text>
        </TextField>
        <TextField className="field" type="password" value={repeat} onChange={setRepeat} isRequired isInvalid={mismatch} autoComplete="new-password">
          <Label>Repeat the new password</Label>
          <Input />
        </TextField>
        {mismatch && <p className="field-error">The two new passwords differ.</p>}
        <ErrorNote error={error} />
        <div className="row">
          <Button type="submit" className="button primary" isDisabled={mismatch || next.length < 8}>
            Change password
          </Button>
          <Button className="button secondary" onPress={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </form>
    </main>
  );
}
