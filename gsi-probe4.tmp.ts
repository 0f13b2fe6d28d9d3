import { LocalRuntime } from './infra/local/local-runtime';
import { freePorts } from './infra/local/preflight';
import { appWithout } from './bench/app-without';
const runtime = await LocalRuntime.start({ dataDir: null, ports: await freePorts(), logLevel: 'ERROR', seed: { users: 2000, days: 120, seed: 42, healthBackfill: false } } as any, appWithout(new Set(['NightlyScoringSchedule'])));
try {
  while (runtime.seedingProgress?.state !== 'done') await new Promise((r) => setTimeout(r, 300));
  await runtime.settle();
  const machine = runtime.stateMachineArn('ScoringNightlyScoringStateMachine');
  const run = async (date: string) => { const { executionArn } = await runtime.stepFunctions!.startExecution({ stateMachineArn: machine, name: `p-${date}`, input: JSON.stringify({ date }) });
    const r = await runtime.stepFunctions!.waitForExecution(executionArn); console.log(date, JSON.stringify(JSON.parse(r.output!).totals)); await runtime.settle(); };
  await run('2026-12-03');
  runtime.clock.advance(86400000); await runtime.settle();
  await run('2026-12-04');
  runtime.clock.advance(86400000); await runtime.settle();
  await run('2026-12-05');
} catch (e) { console.log('ERR', String(e)); } finally { await runtime.stop(); }
