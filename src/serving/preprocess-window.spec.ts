import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import { PreprocessWindow, preprocessWindowSize, type WindowPlaces } from './preprocess-window.js';
import { ManualTimers, settle } from './runtime-timers.js';

const refusals = {
  expired: () => new ApiError(504, 'INFERENCE_TIMEOUT', 'expired'),
  cancelled: () => new ApiError(499, 'REQUEST_CANCELLED', 'cancelled'),
};

function window(size: number) {
  const timers = new ManualTimers();
  return { timers, window: new PreprocessWindow(size, timers, refusals), far: () => timers.now() + 60_000 };
}

/** Records the order in which entries get their turn. */
function track(promise: Promise<WindowPlaces>, name: string, order: string[]): Promise<() => void> {
  return promise.then((places) => {
    order.push(name);
    return () => places.leaveAll();
  });
}

describe('PreprocessWindow', () => {
  it('lets at most `size` images in, and the next one when one leaves', async () => {
    const { window: w, far } = window(2);
    const order: string[] = [];
    const a = await track(w.enter(1, 0, far()), 'a', order);
    await track(w.enter(1, 0, far()), 'b', order);
    const c = track(w.enter(1, 0, far()), 'c', order);
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect(w.inUse).toBe(2);
    a();
    a(); // giving back twice gives back one place only
    await c;
    expect(order).toEqual(['a', 'b', 'c']);
    expect(w.inUse).toBe(2);
  });

  it('serves waiters by priority, then in arrival order', async () => {
    const { window: w, far } = window(1);
    const order: string[] = [];
    const entered = await w.enter(1, 0, far());
    const first = () => entered.leaveAll();
    const waiters = [track(w.enter(1, 0, far()), 'low-1', order), track(w.enter(1, 5, far()), 'high', order), track(w.enter(1, 0, far()), 'low-2', order)];
    await settle();
    first();
    await settle();
    expect(order).toEqual(['high']);
    (await waiters[1])();
    await settle();
    expect(order).toEqual(['high', 'low-1']);
    (await waiters[0])();
    (await waiters[2])();
    expect(order).toEqual(['high', 'low-1', 'low-2']);
  });

  it('takes one place per image of a request, capped at the window, and gives them back as its images finish', async () => {
    const { window: w, far } = window(3);
    const pair = await w.enter(2, 0, far());
    expect(w.inUse).toBe(2);
    pair.leave();
    expect(w.inUse).toBe(1);
    pair.leaveAll();
    pair.leave();
    expect(w.inUse).toBe(0);
    // Five images in a window of three: it holds all three until only three are left to finish.
    const many = await w.enter(5, 0, far());
    expect(w.inUse).toBe(3);
    many.leave();
    many.leave();
    expect(w.inUse).toBe(3);
    many.leave();
    expect(w.inUse).toBe(2);
    many.leaveAll();
    expect(w.inUse).toBe(0);
  });

  it('answers the deadline while waiting, and hands the place on when its turn comes', async () => {
    const { window: w, timers, far } = window(1);
    const holder = (await w.enter(1, 0, far())).leaveAll;
    const late = w.enter(1, 0, timers.now() + 100);
    const after = w.enter(1, 0, far());
    const lateOutcome = late.then(() => 'entered', (error: ApiError) => error.code);
    await timers.advance(100);
    expect(await lateOutcome).toBe('INFERENCE_TIMEOUT');
    holder();
    const next = await after;
    expect(w.inUse).toBe(1);
    next.leaveAll();
    expect(w.inUse).toBe(0);
    expect(timers.pending).toBe(0);
  });

  it('answers a client that goes away while waiting, and refuses one already gone or past its deadline', async () => {
    const { window: w, timers, far } = window(1);
    const holder = (await w.enter(1, 0, far())).leaveAll;
    const controller = new AbortController();
    const waiting = w.enter(1, 0, far(), controller.signal).then(() => 'entered', (error: ApiError) => error.code);
    controller.abort();
    expect(await waiting).toBe('REQUEST_CANCELLED');
    await expect(w.enter(1, 0, far(), controller.signal)).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    await expect(w.enter(1, 0, timers.now())).rejects.toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    holder();
    await settle();
    expect(w.inUse).toBe(0);
  });

  it('refuses an empty window', () => {
    expect(() => new PreprocessWindow(0, new ManualTimers(), refusals)).toThrow(/at least one place/);
  });
});

describe('preprocessWindowSize', () => {
  it('is the pool size plus two batches per instance unless configured', () => {
    expect(preprocessWindowSize(0, 1, 1, 4)).toBe(6);
    expect(preprocessWindowSize(0, 2, 8, 4)).toBe(36);
    expect(preprocessWindowSize(3, 2, 8, 4)).toBe(3);
  });
});
