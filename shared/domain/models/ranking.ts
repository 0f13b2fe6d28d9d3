/**
 * Ordinal ranks with deterministic tie-breaking, in typed arrays: the nightly job ranks millions of
 * users several times, so this avoids comparator sorts over everyone and per-user objects.
 *
 * Ties are broken by a 32-bit FNV-1a hash of the user id (then by the id itself on a hash
 * collision): independent of the order users are read in, and, unlike the id's own order, not
 * correlated with sign-up time when ids are time-ordered (ULIDs, KSUIDs), so neither old nor new
 * users are favoured at a boundary.
 */

/** FNV-1a over the UTF-16 code units of each id. */
export function hashUserIds(userIds: readonly string[]): Uint32Array {
  const hashes = new Uint32Array(userIds.length);
  for (let i = 0; i < userIds.length; i += 1) {
    const id = userIds[i] ?? '';
    let hash = 0x811c9dc5;
    for (let k = 0; k < id.length; k += 1) {
      hash ^= id.charCodeAt(k);
      hash = Math.imul(hash, 0x01000193);
    }
    hashes[i] = hash >>> 0;
  }
  return hashes;
}

/** The tie-breaking keys of a population. */
export interface TieBreak {
  hashes: Uint32Array;
  userIds: readonly string[];
}

/** Buckets per user (0 for users left out) and the included values in ascending order. */
export interface BucketResult {
  buckets: Uint8Array;
  sortedValues: Float64Array;
}

/**
 * Buckets 1..`buckets` by ordinal position of `values` in ascending order (the largest values get
 * the top bucket): position p of m included users falls in bucket 1 + floor(p · buckets / m). Only
 * users with `included[i]` take part. One native sort of the values finds the boundary values;
 * only the users tied at a boundary value need ordering among themselves.
 */
export function ordinalBuckets(values: Float64Array, included: Uint8Array | null, tieBreak: TieBreak, buckets: number): BucketResult {
  const n = values.length;
  const result = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i += 1) if (!included || included[i]) count += 1;
  const sortedValues = new Float64Array(count);
  if (count === 0) return { buckets: result, sortedValues };
  let cursor = 0;
  for (let i = 0; i < n; i += 1) if (!included || included[i]) sortedValues[cursor++] = values[i] ?? 0;
  sortedValues.sort();

  // Boundary k (1..buckets-1) is the first position of bucket k + 1.
  const boundaryValues = new Float64Array(buckets - 1);
  for (let k = 1; k < buckets; k += 1) boundaryValues[k - 1] = sortedValues[Math.ceil((k * count) / buckets)] ?? Number.POSITIVE_INFINITY;
  const tiedGroups = new Map<number, number[]>();
  for (let i = 0; i < n; i += 1) {
    if (included && !included[i]) continue;
    const value = values[i] ?? 0;
    let below = 0;
    let tied = false;
    for (let k = 0; k < boundaryValues.length; k += 1) {
      const boundary = boundaryValues[k] ?? 0;
      if (value > boundary) below += 1;
      else if (value === boundary) tied = true;
    }
    if (!tied) {
      result[i] = 1 + below;
      continue;
    }
    let group = tiedGroups.get(value);
    if (!group) {
      group = [];
      tiedGroups.set(value, group);
    }
    group.push(i);
  }
  for (const [value, members] of tiedGroups) {
    const start = lowerBound(sortedValues, value);
    const ordered = orderByTieBreak(members, tieBreak);
    for (let j = 0; j < ordered.length; j += 1) {
      result[ordered[j] ?? 0] = 1 + Math.floor(((start + j) * buckets) / count);
    }
  }
  return { buckets: result, sortedValues };
}

const INDEX_BITS_LIMIT = 2 ** 21;

/** Members ordered by id hash, then id; packs (hash, local index) into one exact double when it fits. */
function orderByTieBreak(members: readonly number[], tieBreak: TieBreak): number[] {
  const { hashes, userIds } = tieBreak;
  const compareIds = (left: number, right: number): number => {
    const a = userIds[left] ?? '';
    const b = userIds[right] ?? '';
    return a < b ? -1 : a > b ? 1 : left - right;
  };
  if (members.length > INDEX_BITS_LIMIT) {
    return [...members].sort((left, right) => (hashes[left] ?? 0) - (hashes[right] ?? 0) || compareIds(left, right));
  }
  const keys = new Float64Array(members.length);
  for (let j = 0; j < members.length; j += 1) keys[j] = (hashes[members[j] ?? 0] ?? 0) * INDEX_BITS_LIMIT + j;
  keys.sort();
  const ordered = new Array<number>(members.length);
  for (let j = 0; j < members.length; j += 1) ordered[j] = members[(keys[j] ?? 0) % INDEX_BITS_LIMIT] ?? 0;
  // Hash collisions are rare: put each run of equal hashes in id order.
  let runStart = 0;
  for (let j = 1; j <= ordered.length; j += 1) {
    if (j < ordered.length && hashes[ordered[j] ?? 0] === hashes[ordered[runStart] ?? 0]) continue;
    if (j - runStart > 1) {
      const run = ordered.slice(runStart, j).sort(compareIds);
      ordered.splice(runStart, run.length, ...run);
    }
    runStart = j;
  }
  return ordered;
}

/** The first index whose value is ≥ target in an ascending array. */
function lowerBound(sorted: Float64Array, target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The median of ascending values (mean of the middle two for an even count); 0 when empty. */
export function medianOfSorted(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  const middle = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : 0.5 * ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0));
}
