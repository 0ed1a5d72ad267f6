import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restore, snapshot, SnapshotRefused, type ClassTable } from './snapshot.ts';
import type { Logger } from '../logger.ts';

/** The project's root: the code and the data a start builds from live under it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What the assistant's data and understanding are built from — their code included — under the
 * project: every file of these folders counts, those a start does not read too (a held-out set, a
 * tool), since a digest that counts a file too many costs one rebuild and one that misses a file
 * would serve something stale.
 */
export const PROJECT_SOURCES = ['src', 'dialogs', 'intents', 'knowledge', 'node_modules/.package-lock.json'];

/**
 * Digest of files and folders (recursively), by path and content: the key of what is built from
 * them. A missing path counts as missing.
 */
export function filesDigest(paths: readonly string[], root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(root, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(full).isDirectory();
    } catch {
      hash.update(`${path}\0missing\0`);
      continue;
    }
    if (!isDirectory) files.push(full);
    else
      for (const entry of readdirSync(full, { recursive: true, withFileTypes: true }))
        if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
  }
  for (const file of [...new Set(files)].sort()) {
    const content = readFileSync(file);
    hash.update(`${relative(root, file)}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

const MAGIC = 'assistant-snapshot-1\n';

/**
 * What a start builds from files and code that rarely change — the checked data, the trained
 * understanding — kept on disk between starts, keyed by the digest of everything it is built from
 * (PROJECT_SOURCES, the files the configuration names, what else the caller passes: sentences staff
 * assigned) and of the Node/V8 version: a start that finds its key reads the result back (tens of
 * milliseconds) instead of building it (seconds); any change of a source makes another key, so what
 * is read back is never older than what it was built from.
 *
 * One file per kind (`<kind>-<key>.snapshot`, 0600 in a 0700 folder: the understanding learns the
 * sentences staff assigned, learners' redacted messages): writing a new one removes the others.
 * A file that cannot be read back (truncated, written by another version) is rebuilt, with a warning.
 */
export class StartCache {
  private readonly projectDigest: string;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    sources: readonly string[] = PROJECT_SOURCES,
    root = PROJECT_ROOT,
  ) {
    this.projectDigest = filesDigest(sources, root);
  }

  /**
   * The value of `build()` for these inputs: read back when a snapshot of the same key is there,
   * else built and written. `files`: files or folders besides the project's that it is built from;
   * `inputs`: anything else it depends on, as JSON.
   */
  get<T>(
    kind: string,
    classes: ClassTable,
    build: () => T,
    dependsOn: { files?: readonly string[]; inputs?: unknown } = {},
  ): { value: T; cached: boolean } {
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          kind,
          this.projectDigest,
          filesDigest(dependsOn.files ?? [], PROJECT_ROOT),
          dependsOn.inputs ?? null,
          process.versions.v8,
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    const file = join(this.dir, `${kind}-${key}.snapshot`);
    const found = this.read(file, classes);
    if (found !== undefined) {
      this.logger.info({ kind }, 'start cache: read back');
      return { value: found as T, cached: true };
    }
    const value = build();
    this.write(kind, file, value, classes);
    return { value, cached: false };
  }

  private read(file: string, classes: ClassTable): unknown {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const header = Buffer.from(MAGIC);
      const body = bytes.subarray(header.length + 32);
      const sum = createHash('sha256').update(body).digest();
      if (
        !bytes.subarray(0, header.length).equals(header) ||
        !bytes.subarray(header.length, header.length + 32).equals(sum)
      )
        throw new Error('damaged (its checksum does not match)');
      return restore(body, classes);
    } catch (err) {
      this.logger.warn({ file, err: (err as Error).message }, 'start cache: cannot read it back, building it again');
      return undefined;
    }
  }

  private write(kind: string, file: string, value: unknown, classes: ClassTable): void {
    try {
      const body = snapshot(value, classes);
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC), createHash('sha256').update(body).digest(), body]), {
        mode: 0o600,
      });
      renameSync(tmp, file);
      for (const name of readdirSync(this.dir))
        if (name.startsWith(`${kind}-`) && name.endsWith('.snapshot') && join(this.dir, name) !== file)
          rmSync(join(this.dir, name), { force: true });
      this.logger.info({ kind }, 'start cache: built and kept for the next start');
    } catch (err) {
      // Not kept: the next start builds it again (a refused graph is a defect the tests name).
      this.logger.warn(
        { dir: this.dir, err: (err as Error).message, refused: err instanceof SnapshotRefused },
        `start cache: ${kind} not kept`,
      );
    }
  }
}
