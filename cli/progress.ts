import cliProgress from 'cli-progress';

/** A progress bar on stderr (stdout stays clean for --json); silent when stderr is not a terminal. */
export function progressBar(label: string, total: number): { update(done: number, extra?: string): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let lastPercent = -1;
    return {
      update(done, extra) {
        const percent = total > 0 ? Math.floor((done / total) * 10) * 10 : 100;
        if (percent !== lastPercent) {
          lastPercent = percent;
          process.stderr.write(`${label}: ${percent}% (${done}/${total})${extra ? ` ${extra}` : ''}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {extra} | eta {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { extra: '' });
  return { update: (done, extra) => bar.update(done, { extra: extra ?? '' }), stop: () => bar.stop() };
}
