import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds a process has used so far (user + system, from /proc on Linux; NaN elsewhere).
 * DynamoDB Local's CPU per event is steadier than wall time on a shared machine.
 */
export function cpuSecondsOf(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return Number.NaN;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds the JVM's JIT compiler threads have used so far (Linux; NaN elsewhere): how far a
 * timed phase still pays for compiling DynamoDB Local's code paths rather than running them.
 */
export function compilerCpuSecondsOf(pid: number | undefined): number {
  const tasks = `/proc/${pid}/task`;
  if (pid === undefined || !existsSync(tasks)) return Number.NaN;
  let seconds = 0;
  for (const task of readdirSync(tasks)) {
    try {
      const stat = readFileSync(`${tasks}/${task}/stat`, 'utf8');
      if (!/^C[12] CompilerThre/.test(stat.slice(stat.indexOf('(') + 1))) continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      seconds += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return seconds;
}

/** A process's CPU seconds and its JIT compiler threads' from now: the answer reads both since the call. */
export function jvmCpuSince(pid: number | undefined): () => { cpu: number; compiler: number } {
  const cpu = cpuSecondsOf(pid);
  const compiler = compilerCpuSecondsOf(pid);
  return () => ({ cpu: cpuSecondsOf(pid) - cpu, compiler: compilerCpuSecondsOf(pid) - compiler });
}
