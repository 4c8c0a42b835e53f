import { describe, expect, it } from 'vitest';
import { QueueEntry, RequestQueue } from './request-queue.js';

const entry = (name: string, priority: number, rows = 1) => ({ name, priority, rows, sequence: 0 }) as QueueEntry & { name: string };

describe('RequestQueue', () => {
  it('orders by priority, then arrival; tracks the oldest and the waiting rows', () => {
    const queue = new RequestQueue<QueueEntry & { name: string }>(10);
    for (const item of [entry('a', 0), entry('b', 5, 2), entry('c', 0), entry('d', 5), entry('e', -1)]) queue.offer(item);
    expect(queue.toArray().map((item) => item.name)).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(queue.oldest()?.name).toBe('a');
    expect(queue.waitingRows).toBe(6);
    const a = queue.toArray()[2];
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    expect(queue.oldest()?.name).toBe('b');
    expect(queue.shift()?.name).toBe('b');
    expect(queue.waitingRows).toBe(3);
    expect(queue.oldest()?.name).toBe('c');
  });

  it('refuses entries beyond maxSize', () => {
    const queue = new RequestQueue<QueueEntry & { name: string }>(2);
    expect(queue.offer(entry('a', 0))).toBe(true);
    expect(queue.offer(entry('b', 0))).toBe(true);
    expect(queue.offer(entry('c', 9))).toBe(false);
    expect(queue.size).toBe(2);
    queue.maxSize = 3;
    expect(queue.offer(entry('c', 9))).toBe(true);
    expect(queue.peek()?.name).toBe('c');
  });
});
