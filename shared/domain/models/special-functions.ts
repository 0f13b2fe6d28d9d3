/**
 * Special functions the customer models need, written for doubles and for log space: the
 * likelihoods multiply gamma functions of counts in the hundreds, which overflow long before the
 * answer does.
 */

const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const LOG_PI = Math.log(Math.PI);

// Lanczos approximation, g = 7, nine terms (the classic published coefficient set).
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/**
 * log |Γ(x)| for real x (not a non-positive integer, where Γ has a pole and +Infinity is returned).
 * Relative error about 1e-15 away from the roots of log Γ at 1 and 2, absolute error there.
 */
export function logGamma(x: number): number {
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
    return LOG_PI - Math.log(Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x >= 12) return stirlingLogGamma(x);
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let k = 1; k < LANCZOS_COEFFICIENTS.length; k += 1) {
    series += (LANCZOS_COEFFICIENTS[k] ?? 0) / (shifted + k);
  }
  const t = shifted + LANCZOS_G + 0.5;
  return LOG_SQRT_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Stirling's series: accurate to double precision once x ≥ 12 with these five terms. */
function stirlingLogGamma(x: number): number {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  const correction = inverse * (1 / 12 - inverseSquared * (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680 - inverseSquared / 1188))));
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_TWO_PI + correction;
}

/** The sign of Γ(x): +1, -1, or 0 at the poles (non-positive integers), where 1/Γ vanishes. */
export function gammaSign(x: number): -1 | 0 | 1 {
  if (x > 0) return 1;
  if (Number.isInteger(x)) return 0;
  // Γ alternates sign between consecutive negative integers: negative on (-1, 0).
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** The digamma function ψ(x) = d/dx log Γ(x), for x > 0 (and non-integer x < 0 by reflection). */
export function digamma(x: number): number {
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN;
    // Reflection: ψ(1 - x) - ψ(x) = π cot(πx).
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  let value = x;
  // Recurrence ψ(x) = ψ(x + 1) - 1/x until the asymptotic series is accurate.
  while (value < 10) {
    shift -= 1 / value;
    value += 1;
  }
  const inverse = 1 / value;
  const inverseSquared = inverse * inverse;
  const series =
    inverseSquared *
    (1 / 12 -
      inverseSquared * (1 / 120 - inverseSquared * (1 / 252 - inverseSquared * (1 / 240 - inverseSquared * (1 / 132 - (691 / 32760) * inverseSquared)))));
  return shift + Math.log(value) - 0.5 * inverse - series;
}

/** A real number as its log-magnitude and sign, so products of huge and tiny factors stay finite. */
export interface SignedLog {
  logAbs: number;
  sign: -1 | 0 | 1;
}

/** Raised when a series does not converge within its term budget (a caller bug or an extreme input). */
export class SeriesDidNotConvergeError extends Error {
  override readonly name = 'SeriesDidNotConvergeError';
  constructor(
    message: string,
    readonly details: { a: number; b: number; c: number; z: number },
  ) {
    super(message);
  }
}

const SERIES_TOLERANCE = 1e-16;
const MAX_SERIES_TERMS = 2_000_000;
const RESCALE_ABOVE = 1e250;
const RESCALE_FACTOR = 1e-250;
const LOG_RESCALE = 250 * Math.LN10;

/**
 * The Gauss series Σ (a)_n (b)_n / ((c)_n n!) zⁿ summed directly for |z| < 1, rescaling on the
 * way so that a sum beyond the double range (large a, b and z near 1) is still returned in logs.
 */
function gaussSeries(a: number, b: number, c: number, z: number): SignedLog {
  return gaussSeriesWithLoss(a, b, c, z).value;
}

/**
 * A value and the log of the largest magnitude met on the way to it; their difference is how
 * many digits (in e-folds) cancellation may have cost.
 */
interface MeasuredSignedLog {
  readonly value: SignedLog;
  readonly logLargest: number;
}

function gaussSeriesWithLoss(a: number, b: number, c: number, z: number): MeasuredSignedLog {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  let largest = 1;
  const measured = (): MeasuredSignedLog => ({ value: toSignedLog(sum, logScale), logLargest: Math.log(largest) + logScale });
  const lastSignChange = Math.max(-a, -b, -c, 0);
  for (let n = 0; n < MAX_SERIES_TERMS; n += 1) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    largest = Math.max(largest, Math.abs(term), Math.abs(sum));
    if (term === 0) break;
    // Stop once the terms are negligible and shrink for good: past every sign change of a + n,
    // b + n and c + n a tiny term cannot be a fluke of a factor passing near zero.
    const nextRatio = Math.abs((((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z);
    // The tail is bounded by a geometric series with the next ratio, not by the last term alone.
    if (nextRatio < 1 && n > lastSignChange && Math.abs(term) * nextRatio <= SERIES_TOLERANCE * (1 - nextRatio) * Math.abs(sum)) {
      return measured();
    }
    if (largest > RESCALE_ABOVE) {
      sum *= RESCALE_FACTOR;
      term *= RESCALE_FACTOR;
      largest *= RESCALE_FACTOR;
      logScale += LOG_RESCALE;
    }
    if (n === MAX_SERIES_TERMS - 1) break;
  }
  if (term === 0) return measured();
  throw new SeriesDidNotConvergeError('The hypergeometric series did not converge', { a, b, c, z });
}

function toSignedLog(value: number, logScale: number): SignedLog {
  if (value === 0) return { logAbs: Number.NEGATIVE_INFINITY, sign: 0 };
  return { logAbs: Math.log(Math.abs(value)) + logScale, sign: value > 0 ? 1 : -1 };
}

/** log|x + y| and sign from the signed logs of x and y, without leaving log space. */
export function addSignedLogs(x: SignedLog, y: SignedLog): SignedLog {
  if (x.sign === 0) return y;
  if (y.sign === 0) return x;
  const [big, small] = x.logAbs >= y.logAbs ? [x, y] : [y, x];
  const ratio = Math.exp(small.logAbs - big.logAbs);
  const combined = big.sign === small.sign ? 1 + ratio : 1 - ratio;
  if (combined === 0) return { logAbs: Number.NEGATIVE_INFINITY, sign: 0 };
  return { logAbs: big.logAbs + Math.log(combined), sign: big.sign };
}

// Beyond this z the direct series needs too many terms; the z → 1 - z connection formula takes over.
const DIRECT_SERIES_LIMIT = 0.7;
// How far c - a - b must be from an integer for the connection formula's two terms, each of size
// about 1/distance, to cancel without losing more than a few digits.
const INTEGER_GAP = 1e-4;

/**
 * log |₂F₁(a, b; c; z)| and its sign for real parameters and z < 1 (c not a non-positive
 * integer).
 *
 * - z < 0: the Pfaff transformation ₂F₁(a, b; c; z) = (1 - z)^(-a) ₂F₁(a, c - b; c; z/(z - 1))
 *   maps it into [0, 1).
 * - 0 ≤ z ≤ 0.7: the Gauss series, rescaled so that it cannot overflow.
 * - 0.7 < z < 1: the connection formula (Abramowitz & Stegun 15.3.6) to two series in 1 - z, which
 *   converge fast, unless it cancels more than a thousand-fold and the direct series is cheaper in
 *   digits (up to z = 0.99). When c - a - b is within 1e-4 of an integer that formula cancels badly: up to
 *   z = 0.95 the direct series is used instead, beyond it a four-point interpolation in a.
 */
export function logHypergeometric2F1(a: number, b: number, c: number, z: number): SignedLog {
  if (!(z < 1)) throw new RangeError(`logHypergeometric2F1 needs z < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`logHypergeometric2F1 needs c not a non-positive integer, got ${c}`);
  if (z === 0 || a === 0 || b === 0) return { logAbs: 0, sign: 1 };
  if (z < 0) {
    const transformed = logHypergeometric2F1NonNegative(a, c - b, c, z / (z - 1));
    return { logAbs: transformed.logAbs - a * Math.log1p(-z), sign: transformed.sign };
  }
  return logHypergeometric2F1NonNegative(a, b, c, z);
}

function logHypergeometric2F1NonNegative(a: number, b: number, c: number, z: number): SignedLog {
  if (isNonPositiveInteger(a)) return terminatingSeries(a, b, c, z);
  if (isNonPositiveInteger(b)) return terminatingSeries(b, a, c, z);
  if (z <= DIRECT_SERIES_LIMIT) return gaussSeries(a, b, c, z);
  const excess = c - a - b;
  if (Math.abs(excess - Math.round(excess)) >= INTEGER_GAP) return betterConditioned(a, b, c, z);
  if (z <= NEAR_INTEGER_SERIES_LIMIT) return gaussSeries(a, b, c, z);
  return interpolateInA(a, b, c, z);
}

// The connection formula's two terms (and its series in 1 - z, whose parameters can be large or
// negative) may cancel: with large a, b just above z = 0.7 it lost six digits. Up to a thousand-fold
// loss is accepted; beyond it the direct series is summed too, while it is still affordable, and the
// result that lost less is kept.
const ACCEPTED_LOG_LOSS = Math.log(1e3);
const AFFORDABLE_SERIES_LIMIT = 0.99;

function betterConditioned(a: number, b: number, c: number, z: number): SignedLog {
  const connected = connectionFormula(a, b, c, z);
  const connectedLoss = connected.logLargest - connected.value.logAbs;
  if (connectedLoss <= ACCEPTED_LOG_LOSS || z > AFFORDABLE_SERIES_LIMIT) return connected.value;
  const direct = gaussSeriesWithLoss(a, b, c, z);
  return direct.logLargest - direct.value.logAbs <= connectedLoss ? direct.value : connected.value;
}

/**
 * A polynomial (m a non-positive integer): summed as it stands, or after Pfaff's transformation
 * (1 - z)^(-m) ₂F₁(m, c - b; c; z/(z - 1)), whichever cancels less. Near z = 1 the direct sum of
 * (1 - z)^5 loses seven digits; the transformed one has terms of one sign.
 */
function terminatingSeries(m: number, b: number, c: number, z: number): SignedLog {
  const direct = gaussSeriesWithLoss(m, b, c, z);
  if (z <= 0.5) return direct.value;
  const transformed = gaussSeriesWithLoss(m, c - b, c, z / (z - 1));
  if (transformed.logLargest - transformed.value.logAbs >= direct.logLargest - direct.value.logAbs) return direct.value;
  return { logAbs: transformed.value.logAbs - m * Math.log1p(-z), sign: transformed.value.sign };
}

function isNonPositiveInteger(value: number): boolean {
  return value <= 0 && Number.isInteger(value);
}

// With c - a - b (nearly) an integer the connection formula degenerates into a logarithmic case.
// Below this z the direct series is still short; above it, ₂F₁ (analytic in a) is interpolated from
// four points a ± δ, a ± 2δ where the connection formula is well conditioned.
const NEAR_INTEGER_SERIES_LIMIT = 0.95;
const INTERPOLATION_STEP = 1e-3;

function interpolateInA(a: number, b: number, c: number, z: number): SignedLog {
  const at = (shift: number): SignedLog => connectionFormula(a + shift, b, c, z).value;
  const near = [at(-INTERPOLATION_STEP), at(INTERPOLATION_STEP)];
  const far = [at(-2 * INTERPOLATION_STEP), at(2 * INTERPOLATION_STEP)];
  const sign = near[0]?.sign ?? 0;
  if (sign === 0 || [...near, ...far].some((point) => point.sign !== sign)) return gaussSeries(a, b, c, z);
  const nearSum = (near[0]?.logAbs ?? 0) + (near[1]?.logAbs ?? 0);
  const farSum = (far[0]?.logAbs ?? 0) + (far[1]?.logAbs ?? 0);
  // Symmetric four-point Lagrange interpolation at the midpoint: error of order δ⁴.
  return { logAbs: (4 * nearSum - farSum) / 6, sign };
}

function connectionFormula(a: number, b: number, c: number, z: number): MeasuredSignedLog {
  const excess = c - a - b;
  const oneMinusZ = 1 - z;
  const logGammaC = logGamma(c);
  const signGammaC = gammaSign(c);
  // First term: Γ(c)Γ(c-a-b) / (Γ(c-a)Γ(c-b)) ₂F₁(a, b; a+b-c+1; 1-z).
  const first = combineGammaRatio(
    logGammaC + logGamma(excess),
    signGammaC * gammaSign(excess),
    [c - a, c - b],
    gaussSeriesWithLoss(a, b, 1 - excess, oneMinusZ),
  );
  // Second term: (1-z)^(c-a-b) Γ(c)Γ(a+b-c) / (Γ(a)Γ(b)) ₂F₁(c-a, c-b; c-a-b+1; 1-z).
  const second = combineGammaRatio(
    logGammaC + logGamma(-excess) + excess * Math.log(oneMinusZ),
    signGammaC * gammaSign(-excess),
    [a, b],
    gaussSeriesWithLoss(c - a, c - b, 1 + excess, oneMinusZ),
  );
  return { value: addSignedLogs(first.value, second.value), logLargest: Math.max(first.logLargest, second.logLargest) };
}

/** numerator × series / (Γ(d₁)Γ(d₂)); a pole in the denominator makes the whole term vanish. */
function combineGammaRatio(
  logNumerator: number,
  numeratorSign: number,
  denominatorArguments: readonly [number, number],
  series: MeasuredSignedLog,
): MeasuredSignedLog {
  const [first, second] = denominatorArguments;
  const denominatorSign = gammaSign(first) * gammaSign(second);
  if (denominatorSign === 0 || series.value.sign === 0) {
    return { value: { logAbs: Number.NEGATIVE_INFINITY, sign: 0 }, logLargest: Number.NEGATIVE_INFINITY };
  }
  const sign = numeratorSign * denominatorSign * series.value.sign;
  const logFactor = logNumerator - logGamma(first) - logGamma(second);
  return {
    value: { logAbs: logFactor + series.value.logAbs, sign: sign > 0 ? 1 : sign < 0 ? -1 : 0 },
    logLargest: logFactor + series.logLargest,
  };
}

/** ₂F₁(a, b; c; z) as a plain number (may overflow to ±Infinity where the log form does not). */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  const { logAbs, sign } = logHypergeometric2F1(a, b, c, z);
  return sign * Math.exp(logAbs);
}

/** log(exp(x) + exp(y)) without overflow. */
export function logSumExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}
