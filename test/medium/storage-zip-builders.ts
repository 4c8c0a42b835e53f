/**
 * Hostile archives for the upload tests. yazl refuses unsafe names, so the traversal zip is
 * written with a harmless name of the same length and the name bytes are patched afterwards
 * (the CRC covers only the content, so the archive stays well-formed).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import yazl from 'yazl';

async function zipToBuffer(build: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function replaceAll(buffer: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const needle = Buffer.from(from);
  let at = buffer.indexOf(needle);
  let count = 0;
  while (at !== -1) {
    Buffer.from(to).copy(buffer, at);
    count += 1;
    at = buffer.indexOf(needle, at + needle.length);
  }
  if (count === 0) throw new Error(`name ${from} not found`);
  return buffer;
}

/** model.json plus an entry named `../evil.txt` (or another unsafe name of the same length). */
export async function writeZipSlip(path: string, unsafeName = '../evil.txt'): Promise<string> {
  const placeholder = 'x'.repeat(unsafeName.length - 'evil.txt'.length) + 'evil.txt';
  const buffer = await zipToBuffer((zip) => {
    zip.addBuffer(Buffer.from('{"format":"layers-model"}'), 'model.json');
    zip.addBuffer(Buffer.from('pwned'), placeholder);
  });
  writeFileSync(path, replaceAll(buffer, placeholder, unsafeName));
  return path;
}

/** A symlink entry pointing outside (mode 0120777). */
export async function writeZipWithSymlink(path: string): Promise<string> {
  const buffer = await zipToBuffer((zip) => {
    zip.addBuffer(Buffer.from('{"format":"layers-model"}'), 'model.json');
    zip.addBuffer(Buffer.from('/etc/passwd'), 'link', { mode: 0o120777 });
  });
  writeFileSync(path, buffer);
  return path;
}

/** `megabytes` of zeros deflated into a few kilobytes. */
export async function writeZipBomb(path: string, megabytes = 50): Promise<string> {
  const buffer = await zipToBuffer((zip) => {
    zip.addBuffer(Buffer.from('{"format":"layers-model"}'), 'model.json');
    zip.addBuffer(Buffer.alloc(megabytes * 1024 * 1024), 'group1-shard1of1.bin', { compress: true });
  });
  writeFileSync(path, buffer);
  return path;
}

/**
 * The zip bomb above with its central directory claiming that the big entry inflates to only
 * `claimedBytes` (unzip tools trust the central directory, so the lie survives a listing).
 */
export async function writeLyingZipBomb(path: string, megabytes: number, claimedBytes: number): Promise<string> {
  const zip = readFileSync(await writeZipBomb(path, megabytes));
  const name = Buffer.from('group1-shard1of1.bin');
  const CENTRAL_HEADER = 0x02014b50;
  for (let at = zip.length - 22; at >= 0; at--) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) continue;
    const nameLength = zip.readUInt16LE(at + 28);
    if (!zip.subarray(at + 46, at + 46 + nameLength).equals(name)) continue;
    zip.writeUInt32LE(claimedBytes, at + 24);
    writeFileSync(path, zip);
    return path;
  }
  throw new Error('central directory entry not found');
}

export async function writeZipWithEntries(path: string, count: number): Promise<string> {
  const buffer = await zipToBuffer((zip) => {
    zip.addBuffer(Buffer.from('{}'), 'model.json');
    for (let index = 0; index < count; index += 1) zip.addBuffer(Buffer.from(String(index)), `f${index}.txt`);
  });
  writeFileSync(path, buffer);
  return path;
}

export async function writeZipOf(path: string, files: Record<string, string | Buffer>): Promise<string> {
  const buffer = await zipToBuffer((zip) => {
    for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  });
  writeFileSync(path, buffer);
  return path;
}
