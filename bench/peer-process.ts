// One long-lived peer child (bench/peers/*) and the line protocol bench/peers/protocol.ts describes: bench/run.ts
// sends a command and awaits its one-line answer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PeerReady } from './peers/protocol.js';

export class PeerError extends Error {}

export class PeerProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | null = null;
  private stderrTail: string[] = [];
  private exited: string | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
    private readonly timeoutMs: number,
  ) {
    this.child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      // Anything but an answer (a library's warning, say) is not part of the protocol.
      if (!/^(READY|TIME|ERROR) /.test(line) || !this.waiting) return;
      const w = this.waiting;
      this.waiting = null;
      w.resolve(line);
    });
    createInterface({ input: this.child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.child.on('error', (e) => this.fail(`could not start: ${e.message}`));
    this.child.on('exit', (code, signal) => this.fail(`exited (${signal ?? `code ${code}`})`));
    this.child.stdin.on('error', () => undefined); // a dead child: 'exit' reports it
  }

  private fail(why: string): void {
    const detail = this.stderrTail.filter((l) => /error/i.test(l))[0] ?? this.stderrTail[this.stderrTail.length - 1] ?? '';
    this.exited = `${this.name} ${why}${detail ? `: ${detail.trim()}` : ''}`;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(new PeerError(this.exited));
  }

  private request(command: string): Promise<string> {
    if (this.exited) return Promise.reject(new PeerError(this.exited));
    if (this.waiting) return Promise.reject(new PeerError(`${this.name}: a command is still pending`));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        this.child.kill();
        reject(new PeerError(`${this.name}: no answer to '${command}' within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.waiting = {
        resolve: (line) => { clearTimeout(timer); resolve(line); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.child.stdin.write(`${command}\n`);
    });
  }

  private async answer(command: string, expected: 'READY' | 'TIME'): Promise<string> {
    const line = await this.request(command);
    if (line.startsWith('ERROR ')) throw new PeerError(`${this.name}: ${line.slice('ERROR '.length)}`);
    if (!line.startsWith(`${expected} `)) throw new PeerError(`${this.name}: expected ${expected} for '${command}', got '${line}'`);
    return line.slice(expected.length + 1);
  }

  /** Builds the network and warms up for at least `warmupSteps` steps and `warmupMs` milliseconds. */
  async setup(model: string, mode: string, warmupSteps: number, warmupMs: number): Promise<PeerReady> {
    return JSON.parse(await this.answer(`setup ${model} ${mode} ${warmupSteps} ${Math.round(warmupMs)}`, 'READY')) as PeerReady;
  }

  /** Milliseconds the child took for `steps` steps, timed inside the child. */
  async run(steps: number): Promise<number> {
    const ms = Number(await this.answer(`run ${steps}`, 'TIME'));
    if (!(ms >= 0)) throw new PeerError(`${this.name}: bad time ${ms}`);
    return ms;
  }

  close(): void {
    if (this.exited) return;
    this.child.stdin.end('quit\n');
    // A child that hangs on quit does not hold up the bench.
    setTimeout(() => this.child.kill(), 5000).unref();
  }
}
