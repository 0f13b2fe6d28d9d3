import { SynthesizedApp } from '../infra/local/template';
import { buildRekindleApp } from '../infra/rekindle-app';

/**
 * The app as deployed less the constructs named in `leftOut` (by construct id). Fails if a
 * schedule of that name survives synthesis: a renamed construct would silently bring it back.
 */
export function appWithout(leftOut: ReadonlySet<string>): SynthesizedApp {
  const { app, stacks } = buildRekindleApp({ bundle: false, nag: false });
  for (const stack of stacks) {
    for (const construct of stack.node.findAll()) {
      for (const child of [...construct.node.children]) {
        if (leftOut.has(child.node.id)) construct.node.tryRemoveChild(child.node.id);
      }
    }
  }
  const synthesized = SynthesizedApp.fromApp(app, stacks);
  const survivors = synthesized.resourcesOfType('AWS::Scheduler::Schedule').filter((schedule) => [...leftOut].some((id) => schedule.logicalId.includes(id)));
  if (survivors.length > 0) throw new Error(`could not leave out ${survivors.map((schedule) => schedule.logicalId).join(', ')}`);
  return synthesized;
}
