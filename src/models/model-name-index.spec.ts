import { describe, expect, it } from 'vitest';
import { ModelIdentity, ModelNameIndex } from './model-name-index.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A stand-in for the models table: reads return a copy of the rows as they are when the read runs. */
class FakeTable {
  rows: ModelIdentity[] = [];
  reads = 0;
  readAll = async (): Promise<ModelIdentity[]> => {
    this.reads++;
    return this.rows.map((row) => ({ ...row }));
  };
}

describe('ModelNameIndex', () => {
  it('loads the table once for concurrent callers, then resolves ids and names from memory', async () => {
    const table = new FakeTable();
    table.rows = [
      { id: 'id-1', name: 'resnet' },
      { id: 'id-2', name: 'yolo' },
    ];
    const index = new ModelNameIndex();
    await Promise.all([index.ensureLoaded(table.readAll), index.ensureLoaded(table.readAll), index.ensureLoaded(table.readAll)]);
    await index.ensureLoaded(table.readAll);
    expect(table.reads).toBe(1);
    expect(index.resolve('id-1')).toBe('id-1');
    expect(index.resolve('yolo')).toBe('id-2');
    expect(index.resolve('nobody')).toBeNull();
  });

  it('prefers an id over a name when a name looks like another model’s id', async () => {
    const table = new FakeTable();
    table.rows = [
      { id: 'a', name: 'b' },
      { id: 'b', name: 'c' },
    ];
    const index = new ModelNameIndex();
    await index.ensureLoaded(table.readAll);
    expect(index.resolve('b')).toBe('b');
    expect(index.resolve('c')).toBe('b');
  });

  it('follows committed creates, renames and deletes at once', async () => {
    const table = new FakeTable();
    table.rows = [{ id: 'id-1', name: 'resnet' }];
    const index = new ModelNameIndex();
    await index.ensureLoaded(table.readAll);

    await index.write(async () => undefined, () => index.added({ id: 'id-2', name: 'yolo' }));
    expect(index.resolve('yolo')).toBe('id-2');

    await index.write(async () => undefined, () => index.renamed('id-1', 'resnet-v2'));
    expect(index.resolve('resnet')).toBeNull();
    expect(index.resolve('resnet-v2')).toBe('id-1');

    // A freed name can be taken by another model right away.
    await index.write(async () => undefined, () => index.renamed('id-2', 'resnet'));
    expect(index.resolve('resnet')).toBe('id-2');
    expect(index.resolve('yolo')).toBeNull();

    await index.write(async () => undefined, () => index.removed('id-1'));
    expect(index.resolve('id-1')).toBeNull();
    expect(index.resolve('resnet-v2')).toBeNull();
    expect(index.resolve('resnet')).toBe('id-2');
    expect(table.reads).toBe(1);
  });

  it('leaves the index unchanged when the write fails', async () => {
    const table = new FakeTable();
    table.rows = [
      { id: 'id-1', name: 'resnet' },
      { id: 'id-2', name: 'yolo' },
    ];
    const index = new ModelNameIndex();
    await index.ensureLoaded(table.readAll);
    const duplicate = index.write(
      async () => {
        throw new Error('UNIQUE constraint failed: models.name');
      },
      () => index.renamed('id-1', 'yolo'),
    );
    await expect(duplicate).rejects.toThrow(/UNIQUE/);
    expect(index.resolve('resnet')).toBe('id-1');
    expect(index.resolve('yolo')).toBe('id-2');
  });

  it('does not grow on lookups of unknown names', async () => {
    const table = new FakeTable();
    table.rows = [{ id: 'id-1', name: 'resnet' }];
    const index = new ModelNameIndex();
    await index.ensureLoaded(table.readAll);
    for (let attempt = 0; attempt < 10_000; attempt++) expect(index.resolve(`guess-${attempt}`)).toBeNull();
    expect(index.size).toBe(1);
    expect(table.reads).toBe(1);
  });

  it('discards a load that overlapped a write and reads again', async () => {
    const table = new FakeTable();
    table.rows = [{ id: 'id-1', name: 'resnet' }];
    const firstRead = deferred<ModelIdentity[]>();
    let reads = 0;
    const readAll = async () => {
      reads++;
      // The first read saw the table before the rename below committed.
      if (reads === 1) return firstRead.promise;
      return table.readAll();
    };
    const index = new ModelNameIndex();
    const loading = index.ensureLoaded(readAll);
    await index.write(
      async () => {
        table.rows = [{ id: 'id-1', name: 'renamed' }];
      },
      () => index.renamed('id-1', 'renamed'),
    );
    firstRead.resolve([{ id: 'id-1', name: 'resnet' }]);
    await loading;
    expect(reads).toBe(2);
    expect(index.resolve('resnet')).toBeNull();
    expect(index.resolve('renamed')).toBe('id-1');
  });

  it('waits for a write in flight before loading, so it never keeps uncommitted rows', async () => {
    const table = new FakeTable();
    const transaction = deferred<void>();
    const index = new ModelNameIndex();
    const failingCreate = index.write(
      async () => {
        table.rows = [{ id: 'id-1', name: 'half-written' }];
        await transaction.promise;
        table.rows = []; // rolled back
        throw new Error('insert failed');
      },
      () => index.added({ id: 'id-1', name: 'half-written' }),
    );
    const loading = index.ensureLoaded(table.readAll);
    await Promise.resolve();
    expect(table.reads).toBe(0);
    transaction.resolve();
    await expect(failingCreate).rejects.toThrow('insert failed');
    await loading;
    expect(index.resolve('half-written')).toBeNull();
    expect(index.resolve('id-1')).toBeNull();
  });

  it('a failed load is reported to its caller and retried by the next one', async () => {
    const table = new FakeTable();
    table.rows = [{ id: 'id-1', name: 'resnet' }];
    const index = new ModelNameIndex();
    await expect(index.ensureLoaded(async () => Promise.reject(new Error('SQLITE_BUSY')))).rejects.toThrow('SQLITE_BUSY');
    expect(index.isLoaded).toBe(false);
    await index.ensureLoaded(table.readAll);
    expect(index.resolve('resnet')).toBe('id-1');
  });
});
