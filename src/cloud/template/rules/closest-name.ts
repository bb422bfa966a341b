/**
 * The candidate most like `name`, for "did you mean" hints: the smallest edit distance (letter case
 * ignored), if it is small enough for a typo: one edit, two for names of eight letters or more (more
 * would suggest `us-east-1` for `us-west-2`).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const allowed = name.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `, did you mean 'X'?`-style tail for a message, or `fallback` when no candidate is close. */
export function suggestion(name: string, candidates: Iterable<string>, fallback: string): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? fallback : `did you mean '${closest}'?`;
}

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring letters
 * (`Evn` for `Env`), each as one edit: the optimal string alignment variant of Damerau-Levenshtein.
 */
function editDistance(left: string, right: string): number {
  const rows: number[][] = [Array.from({ length: right.length + 1 }, (_, index) => index)];
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const above = rows[row - 1] ?? [];
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let distance = Math.min(
        (above[column - 1] ?? 0) + cost,
        (above[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
      );
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) distance = Math.min(distance, (rows[row - 2]?.[column - 2] ?? 0) + 1);
      current.push(distance);
    }
    rows.push(current);
  }
  return rows[left.length]?.[right.length] ?? 0;
}
