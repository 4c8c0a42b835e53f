import { describe, expect, it } from 'vitest';
import { ModelLocks } from './model-locks.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('ModelLocks', () => {
  it('runs work on one model one at a time, in arrival order, and survives a failure', async () => {
    const locks = new ModelLocks();
    const order: string[] = [];
    const first = gate();
    const started = gate();
    const a = locks.run('m1', async () => {
      order.push('a:start');
      started.open();
      await first.opened;
      order.push('a:end');
      throw new Error('a failed');
    });
    const b = locks.run('m1', async () => {
      order.push('b');
      return 'b-result';
    });
    await started.opened;
    expect(order).toEqual(['a:start']);
    first.open();
    await expect(a).rejects.toThrow('a failed');
    await expect(b).resolves.toBe('b-result');
    expect(order).toEqual(['a:start', 'a:end', 'b']);
  });

  it('lets different models run at the same time', async () => {
    const locks = new ModelLocks();
    const held = gate();
    const slow = locks.run('m1', () => held.opened);
    await expect(locks.run('m2', async () => 'free')).resolves.toBe('free');
    held.open();
    await slow;
  });
});
