import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Example } from '../../intents/nlu/training-data.ts';
import type { Understander } from '../../intents/nlu/understand.ts';
import type { Logger } from '../logger.ts';
import type { LiveUnderstander } from '../retraining.ts';
import type { Correction } from '../transcripts/store.ts';

export interface FamilyFigures {
  family: string;
  turns: number;
  right: number;
}
export interface Figures {
  set: string;
  before: FamilyFigures[];
  after: FamilyFigures[];
}

/** Measures understanding before / after the candidate sentences (`npm run eval`'s figures). */
export type Evaluate = (live: Example[], candidate: Example[]) => Promise<Figures>;

export type RetrainingState =
  | { phase: 'idle' }
  | { phase: 'measuring'; sentences: number }
  | { phase: 'ready'; figures: Figures; sentences: Example[] }
  | { phase: 'failed'; message: string };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run eval` in a child process (it runs the whole bot over hundreds of turns, twice: the server
 * keeps answering meanwhile). The sentences go through files readable by the server's user only,
 * removed afterwards.
 */
export function evalInChildProcess(evalArgs: string[] = ['--set', 'heldout'], timeoutMs = 10 * 60_000): Evaluate {
  return (live, candidate) =>
    new Promise((resolve, reject) => {
      const dir = mkdtempSync(join(tmpdir(), 'retrain-'));
      const write = (name: string, examples: Example[]) => {
        const file = join(dir, name);
        writeFileSync(file, JSON.stringify(examples), { mode: 0o600 });
        return file;
      };
      const args = [
        '--import',
        'tsx',
        join(ROOT, 'eval/run.ts'),
        ...evalArgs,
        '--extra',
        write('live.json', live),
        '--candidate',
        write('candidate.json', candidate),
        '--json',
      ];
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', (e) => {
        rmSync(dir, { recursive: true, force: true });
        reject(e);
      });
      child.on('close', (code) => {
        rmSync(dir, { recursive: true, force: true });
        const line = out.trim().split('\n').pop() ?? '';
        if (code !== 0)
          return reject(new Error(`npm run eval a échoué (code ${code}) : ${err.trim().split('\n').pop() ?? ''}`));
        try {
          resolve(JSON.parse(line) as Figures);
        } catch {
          reject(new Error('npm run eval : résultat illisible'));
        }
      });
    });
}

export interface RetrainingOptions {
  live: LiveUnderstander;
  /** The sentences staff assigned (the store). */
  corrections: () => Promise<Correction[]>;
  /** Sentences the model in service was trained with, besides the training files. */
  trained: readonly Example[];
  train: (sentences: readonly Example[]) => Understander;
  evaluate: Evaluate;
  logger: Logger;
}

const key = (e: Example) => `${e.intent}\u0000${e.text}`;

/**
 * Improving the answers from the console: staff measure the model trained with their new sentences
 * against the one in service (`npm run eval`'s figures, side by side), then put it in service — the
 * running assistant switches without a restart. One measurement at a time.
 */
export class Retraining {
  private state: RetrainingState = { phase: 'idle' };
  private trained: Example[];

  constructor(private readonly o: RetrainingOptions) {
    this.trained = [...o.trained];
  }

  get status(): RetrainingState {
    return this.state;
  }

  /** Sentences assigned since the model in service was trained (or whose intent changed since). */
  async pending(): Promise<Correction[]> {
    const done = new Set(this.trained.map(key));
    return (await this.o.corrections()).filter((c) => !done.has(key(c)));
  }

  /** Starts measuring the model with every assigned sentence; false when one is already running. */
  async measure(): Promise<boolean> {
    if (this.state.phase === 'measuring') return false;
    const corrections = await this.o.corrections();
    // Asked twice while the store answered: one measurement.
    if ((this.state as RetrainingState).phase === 'measuring') return false;
    const sentences = corrections.map(({ text, intent }) => ({ text, intent }));
    const candidate = sentences.filter((s) => !this.trained.some((t) => key(t) === key(s)));
    this.state = { phase: 'measuring', sentences: candidate.length };
    this.o.evaluate(this.trained, candidate).then(
      (figures) => {
        this.state = { phase: 'ready', figures, sentences };
      },
      (err: Error) => {
        this.o.logger.error({ err }, 'retraining: measuring failed');
        this.state = { phase: 'failed', message: err.message };
      },
    );
    return true;
  }

  /** Trains the measured model and puts it in service. */
  confirm(): boolean {
    if (this.state.phase !== 'ready') return false;
    const { sentences } = this.state;
    this.o.live.switchTo(this.o.train(sentences));
    this.trained = sentences;
    this.state = { phase: 'idle' };
    this.o.logger.info({ sentences: sentences.length }, 'retraining: new model in service');
    return true;
  }
}
