import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { ConfirmButton } from '../components/Confirm';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads, EmptyState, Pager, formatDate } from '../components/bits';
import { useUser } from '../session';

type Role = 'admin' | 'operator' | 'viewer';
const ROLES: Role[] = ['admin', 'operator', 'viewer'];
const PAGE = 50;

export default function Users() {
  const me = useUser();
  const queryClient = useQueryClient();
  const [offset, setOffset] = useState(0);
  const users = useQuery({ queryKey: ['users', offset], queryFn: () => unwrap(api.GET('/api/v1/internal/users', { params: { query: { limit: PAGE, offset } } })) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/internal/users', { body: { username, password, role } })),
    onSuccess: () => {
      setUsername('');
      setPassword('');
      void refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const items = users.data?.items ?? [];
  return (
    <section>
      <h1>Users</h1>
      <form className="card stack" onSubmit={submit} aria-labelledby="new-user-title">
        <h2 id="new-user-title">Create a user</h2>
        <div className="row">
          <TextField className="field" value={username} onChange={setUsername} isRequired>
            <Label>New username</Label>
            <Input />
          </TextField>
          <TextField className="field" type="password" value={password} onChange={setPassword} isRequired minLength={8} autoComplete="new-password">
            <Label>Initial password</Label>
            <Input />
          </TextField>
          <div className="field">
            <label htmlFor="new-role">Role</label>
            <select id="new-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLES.map((value) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          </div>
        </div>
        <ErrorNote error={create.error} context="Creating the user failed" />
        <Button type="submit" className="button primary" isDisabled={create.isPending}>
          Create user
        </Button>
      </form>
      <ErrorNote error={users.error} />
      {users.isSuccess && items.length === 0 && <EmptyState title="No users">Create the first one above.</EmptyState>}
      {items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Users</caption>
          <ColumnHeads names={['Username', 'Role', 'Created', 'Actions']} />
          <tbody>
            {items.map((user) => (
              <UserRow key={user.id} user={user} isMe={user.id === me.id} onChange={refresh} />
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} limit={PAGE} total={users.data?.total ?? 0} onChange={setOffset} label="Users" />
    </section>
  );
}

function UserRow({ user, isMe, onChange }: { user: { id: string; username: string; role: Role; createdAt: string }; isMe: boolean; onChange: () => unknown }) {
  const [role, setRole] = useState<Role>(user.role);
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const changeRole = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/internal/users/{id}', { params: { path: { id: user.id } }, body: { role } })),
    onSuccess: () => void onChange(),
    onError: (failure) => {
      setError(failure);
      setRole(user.role);
    },
  });
  return (
    <tr>
      <td>
        {user.username} {isMe && <span className="muted">(you)</span>}
      </td>
      <td>
        <div className="row">
          <label className="visually-hidden" htmlFor={`role-${user.id}`}>
            Role of {user.username}
          </label>
          <select id={`role-${user.id}`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
          <Button className="button secondary small" isDisabled={role === user.role || changeRole.isPending} onPress={() => { setError(null); changeRole.mutate(); }} aria-label={`Save the role of ${user.username}`}>
            Save role
          </Button>
        </div>
        <ErrorNote error={error} />
      </td>
      <td>{formatDate(user.createdAt)}</td>
      <td className="actions">
        <ConfirmButton
          label="Reset password"
          ariaLabel={`Reset the password of ${user.username}`}
          title={`New password for ${user.username}`}
          onConfirm={() => unwrap(api.PATCH('/api/v1/internal/users/{id}', { params: { path: { id: user.id } }, body: { password: newPassword } })).then(() => setNewPassword(''))}
        >
          <TextField className="field" type="password" value={newPassword} onChange={setNewPassword} minLength={8} autoComplete="new-password">
            <Label>New password (at least 8 characters)</Label>
            <Input />
          </TextField>
          <p className="muted">Every session of {user.username} ends.</p>
        </ConfirmButton>
        <ConfirmButton label="Delete" ariaLabel={`Delete ${user.username}`} danger title={`Delete ${user.username}?`} onConfirm={() => unwrap(api.DELETE('/api/v1/internal/users/{id}', { params: { path: { id: user.id } } })).then(onChange)}>
          The user can no longer sign in. The last admin cannot be deleted.
        </ConfirmButton>
      </td>
    </tr>
  );
}
