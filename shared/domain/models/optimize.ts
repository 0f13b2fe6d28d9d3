/**
 * Unconstrained minimisers for the model fits. The fits work on log-parameters, so positivity
 * needs no constraint here.
 */

/** What a minimiser reports: where it stopped, the value there, and whether it converged. */
export interface MinimizeResult {
  point: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** An objective with its gradient, computed together because they share most of the work. */
export type ValueAndGradient = (point: readonly number[], gradient: number[]) => number;

export interface BfgsOptions {
  /** Stop when every gradient component is below this (the objectives are per-customer means). */
  gradientTolerance: number;
  maxIterations: number;
  /** The longest step in log-parameter space, so one bad step cannot overflow exp(). */
  maxStep: number;
}

// When rounding stops progress, a gradient this small (on a per-customer mean) still pins every
// parameter far beyond the three significant figures anyone reads.
const STALLED_GRADIENT_TOLERANCE = 1e-6;

const DEFAULT_BFGS_OPTIONS: BfgsOptions = { gradientTolerance: 1e-9, maxIterations: 500, maxStep: 3 };

/**
 * BFGS with an inverse-Hessian update and a backtracking Armijo line search. Non-finite values
 * count as +Infinity, so the search backs off from regions where the likelihood breaks down.
 */
export function minimizeBfgs(objective: ValueAndGradient, start: readonly number[], options: Partial<BfgsOptions> = {}): MinimizeResult {
  const { gradientTolerance, maxIterations, maxStep } = { ...DEFAULT_BFGS_OPTIONS, ...options };
  const size = start.length;
  let point = [...start];
  let gradient = new Array<number>(size).fill(0);
  let value = safe(objective(point, gradient));
  let evaluations = 1;
  let inverseHessian = identity(size);
  const trialGradient = new Array<number>(size).fill(0);
  let stalledIterations = 0;

  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    if (maxAbs(gradient) < gradientTolerance) {
      return { point, value, iterations: iteration, evaluations, converged: true };
    }
    let direction = multiply(inverseHessian, gradient).map((component) => -component);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // The curvature model went bad: restart from steepest descent.
      inverseHessian = identity(size);
      direction = gradient.map((component) => -component);
      slope = dot(direction, gradient);
    }
    const length = Math.sqrt(dot(direction, direction));
    let step = length > maxStep ? maxStep / length : 1;
    let trialPoint = point;
    let trialValue = Number.POSITIVE_INFINITY;
    let accepted = false;
    // Near the optimum the decrease a step promises is below the objective's rounding, so the
    // value cannot judge it: a step is taken there if it leaves the value unchanged to rounding
    // and shrinks the gradient, and three failed halvings (not sixty) mean we are there.
    const gradientSize = maxAbs(gradient);
    const nearOptimum = gradientSize < STALLED_GRADIENT_TOLERANCE;
    const rounding = 1e-14 * Math.max(1, Math.abs(value));
    for (let halving = 0; halving < (nearOptimum ? 3 : 60); halving += 1) {
      trialPoint = point.map((component, index) => component + step * (direction[index] ?? 0));
      trialValue = safe(objective(trialPoint, trialGradient));
      evaluations += 1;
      if (trialValue <= value + 1e-4 * step * slope || (nearOptimum && trialValue <= value + rounding && maxAbs(trialGradient) < gradientSize)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No descent possible in floating point: we are at the optimum to machine precision if the
      // gradient is small relative to its scale, otherwise report non-convergence.
      return { point, value, iterations: iteration, evaluations, converged: maxAbs(gradient) < STALLED_GRADIENT_TOLERANCE };
    }
    // At the noise floor of the objective the gradient cannot shrink further: a few steps that
    // change nothing in the 15th digit mean we are there.
    stalledIterations = value - trialValue <= 1e-15 * Math.max(1, Math.abs(value)) ? stalledIterations + 1 : 0;
    if (stalledIterations >= 3) {
      return { point: trialPoint, value: trialValue, iterations: iteration + 1, evaluations, converged: maxAbs(trialGradient) < STALLED_GRADIENT_TOLERANCE };
    }
    const stepVector = trialPoint.map((component, index) => component - (point[index] ?? 0));
    const gradientChange = trialGradient.map((component, index) => component - (gradient[index] ?? 0));
    const curvature = dot(stepVector, gradientChange);
    if (curvature > 1e-12 * Math.sqrt(dot(stepVector, stepVector) * dot(gradientChange, gradientChange))) {
      if (iteration === 0) {
        // Scale the initial guess to the observed curvature (Nocedal & Wright 6.20).
        inverseHessian = identity(size).map((row) => row.map((entry) => (entry * curvature) / dot(gradientChange, gradientChange)));
      }
      inverseHessian = bfgsUpdate(inverseHessian, stepVector, gradientChange, curvature);
    }
    point = trialPoint;
    value = trialValue;
    gradient = [...trialGradient];
  }
  return { point, value, iterations: maxIterations, evaluations, converged: maxAbs(gradient) < gradientTolerance };
}

function bfgsUpdate(inverseHessian: number[][], step: number[], gradientChange: number[], curvature: number): number[][] {
  const rho = 1 / curvature;
  const hy = multiply(inverseHessian, gradientChange);
  const yhy = dot(gradientChange, hy);
  return inverseHessian.map((row, i) =>
    row.map((entry, j) => {
      const si = step[i] ?? 0;
      const sj = step[j] ?? 0;
      return entry - rho * ((hy[i] ?? 0) * sj + si * (hy[j] ?? 0)) + (rho * rho * yhy + rho) * si * sj;
    }),
  );
}

export interface NelderMeadOptions {
  /** Stop when the simplex spans less than this in every coordinate... */
  pointTolerance: number;
  /** ...and its values differ by less than this (scipy's xatol and fatol). */
  valueTolerance: number;
  maxIterations: number;
}

const DEFAULT_NELDER_MEAD_OPTIONS: NelderMeadOptions = { pointTolerance: 1e-7, valueTolerance: 1e-7, maxIterations: 2000 };

/**
 * The classic Nelder–Mead simplex (reflection 1, expansion 2, contraction 1/2, shrink 1/2) with
 * the initial simplex and stopping rule of scipy's `minimize(method='Nelder-Mead')`: each vertex
 * moves one coordinate by 5% (0.00025 when it is zero). Used as the fitting baseline and as a
 * fallback when BFGS cannot make progress.
 */
export function minimizeNelderMead(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: Partial<NelderMeadOptions> = {},
): MinimizeResult {
  const { pointTolerance, valueTolerance, maxIterations } = { ...DEFAULT_NELDER_MEAD_OPTIONS, ...options };
  const size = start.length;
  const simplex: number[][] = [[...start]];
  for (let k = 0; k < size; k += 1) {
    const vertex = [...start];
    const coordinate = vertex[k] ?? 0;
    vertex[k] = coordinate !== 0 ? 1.05 * coordinate : 0.00025;
    simplex.push(vertex);
  }
  let values = simplex.map((vertex) => safe(objective(vertex)));
  let evaluations = simplex.length;
  const evaluate = (point: number[]): number => {
    evaluations += 1;
    return safe(objective(point));
  };

  let iteration = 0;
  for (; iteration < maxIterations; iteration += 1) {
    const order = values.map((_, index) => index).sort((left, right) => (values[left] ?? 0) - (values[right] ?? 0));
    const sorted = order.map((index) => simplex[index] ?? []);
    const sortedValues = order.map((index) => values[index] ?? 0);
    simplex.splice(0, simplex.length, ...sorted);
    values = sortedValues;
    const best = simplex[0] ?? [];
    const spread = Math.max(...simplex.slice(1).map((vertex) => maxAbs(vertex.map((component, index) => component - (best[index] ?? 0)))));
    const valueSpread = Math.max(...values.slice(1).map((entry) => Math.abs(entry - (values[0] ?? 0))));
    if (spread <= pointTolerance && valueSpread <= valueTolerance) break;

    const worst = simplex[size] ?? [];
    const worstValue = values[size] ?? 0;
    const centroid = new Array<number>(size).fill(0);
    for (let v = 0; v < size; v += 1) {
      for (let k = 0; k < size; k += 1) centroid[k] = (centroid[k] ?? 0) + (simplex[v]?.[k] ?? 0) / size;
    }
    const along = (factor: number): number[] => centroid.map((component, k) => component + factor * (component - (worst[k] ?? 0)));
    const reflected = along(1);
    const reflectedValue = evaluate(reflected);
    const bestValue = values[0] ?? 0;
    const secondWorstValue = values[size - 1] ?? 0;
    if (reflectedValue < bestValue) {
      const expanded = along(2);
      const expandedValue = evaluate(expanded);
      replaceWorst(expandedValue < reflectedValue ? expanded : reflected, Math.min(expandedValue, reflectedValue));
      continue;
    }
    if (reflectedValue < secondWorstValue) {
      replaceWorst(reflected, reflectedValue);
      continue;
    }
    const outside = reflectedValue < worstValue;
    const contracted = along(outside ? 0.5 : -0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue <= (outside ? reflectedValue : worstValue)) {
      replaceWorst(contracted, contractedValue);
      continue;
    }
    for (let v = 1; v <= size; v += 1) {
      const vertex = (simplex[v] ?? []).map((component, k) => (best[k] ?? 0) + 0.5 * (component - (best[k] ?? 0)));
      simplex[v] = vertex;
      values[v] = evaluate(vertex);
    }
  }

  function replaceWorst(point: number[], value: number): void {
    simplex[size] = point;
    values[size] = value;
  }

  let bestIndex = 0;
  values.forEach((value, index) => {
    if (value < (values[bestIndex] ?? 0)) bestIndex = index;
  });
  return {
    point: simplex[bestIndex] ?? [...start],
    value: values[bestIndex] ?? Number.POSITIVE_INFINITY,
    iterations: iteration,
    evaluations,
    converged: iteration < maxIterations,
  };
}

function safe(value: number): number {
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

function identity(size: number): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? 1 : 0)));
}

function multiply(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  return matrix.map((row) => dot(row, vector));
}

function dot(left: readonly number[], right: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < left.length; k += 1) sum += (left[k] ?? 0) * (right[k] ?? 0);
  return sum;
}

function maxAbs(vector: readonly number[]): number {
  let largest = 0;
  for (const component of vector) largest = Math.max(largest, Math.abs(component));
  return largest;
}

/**
 * The Hessian of an objective by central differences of its analytic gradient, symmetrised.
 * Used for standard errors at the optimum, where the gradient is smooth and cheap.
 */
export function hessianFromGradient(objective: ValueAndGradient, point: readonly number[], step = 1e-5): number[][] {
  const size = point.length;
  const hessian: number[][] = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const forward = new Array<number>(size).fill(0);
  const backward = new Array<number>(size).fill(0);
  for (let k = 0; k < size; k += 1) {
    const ahead = [...point];
    const behind = [...point];
    ahead[k] = (ahead[k] ?? 0) + step;
    behind[k] = (behind[k] ?? 0) - step;
    objective(ahead, forward);
    objective(behind, backward);
    for (let j = 0; j < size; j += 1) {
      const row = hessian[j];
      if (row) row[k] = ((forward[j] ?? 0) - (backward[j] ?? 0)) / (2 * step);
    }
  }
  return hessian.map((row, i) => row.map((entry, j) => 0.5 * (entry + (hessian[j]?.[i] ?? 0))));
}

/** The inverse of a small square matrix by Gauss–Jordan with partial pivoting; null if singular. */
export function invertMatrix(matrix: readonly (readonly number[])[]): number[][] | null {
  const size = matrix.length;
  const work = matrix.map((row, i) => [...row, ...Array.from({ length: size }, (_, j) => (i === j ? 1 : 0))]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs(work[row]?.[column] ?? 0) > Math.abs(work[pivot]?.[column] ?? 0)) pivot = row;
    }
    const pivotRow = work[pivot];
    const pivotValue = pivotRow?.[column] ?? 0;
    if (!pivotRow || Math.abs(pivotValue) < 1e-300) return null;
    work[pivot] = work[column] ?? [];
    work[column] = pivotRow.map((entry) => entry / pivotValue);
    const normalised = work[column] ?? [];
    for (let row = 0; row < size; row += 1) {
      if (row === column) continue;
      const factor = work[row]?.[column] ?? 0;
      work[row] = (work[row] ?? []).map((entry, j) => entry - factor * (normalised[j] ?? 0));
    }
  }
  return work.map((row) => row.slice(size));
}
