/**
 * The candidate most like `name`, for "did you mean" hints: the smallest edit distance (letter case
 * ignored), if it is small enough for a typo: one edit, two for names of eight letters or more (more
 * would suggest `us-east-1` for `us-west-2`). Among equally close candidates the first wins.
 *
 * Only distances up to the limit matter, and the resource type list has some 1,500 names, so candidates
 * whose length alone rules them out are skipped and each comparison stops as soon as it passes the limit;
 * once a candidate is found, later ones must beat it, which lowers the limit further.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lowerName = name.toLowerCase();
  let best: string | undefined;
  let limit = name.length >= 8 ? 2 : 1;
  for (const candidate of candidates) {
    // Checked before lower-casing, which is most of the cost; lower case changes the length only of rare
    // letters such as `İ`, where a hint may be missed.
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = boundedEditDistance(lowerName, candidate.toLowerCase(), limit);
    if (distance === undefined) continue;
    best = candidate;
    if (distance === 0) break;
    limit = distance - 1;
  }
  return best;
}

/** `, did you mean 'X'?`-style tail for a message, or `fallback` when no candidate is close. */
export function suggestion(name: string, candidates: Iterable<string>, fallback: string): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? fallback : `did you mean '${closest}'?`;
}

/**
 * Rows of the distance table, kept between calls: `closestName` compares one name with some 1,500
 * resource types, and allocating three rows per comparison cost more than the comparison itself.
 */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)] as const;

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring letters
 * (`Evn` for `Env`), each as one edit: the optimal string alignment variant of Damerau-Levenshtein.
 * Undefined when it is more than `limit`. Only cells within `limit` of the diagonal can stay within the
 * limit, so each row computes that band alone (the cells beside it stand in as "too far"), and the work
 * stops at the first row whose every cell is past the limit: a few dozen cells instead of a full table.
 */
export function boundedEditDistance(
  wholeLeft: string,
  wholeRight: string,
  limit: number,
): number | undefined {
  if (Math.abs(wholeLeft.length - wholeRight.length) > limit) return undefined;
  const [left, right] = withoutCommonEnds(wholeLeft, wholeRight);
  const tooFar = limit + 1;
  const width = right.length + 1;
  if (rows[0].length < width) rows = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  let [twoRowsUp, rowAbove, row] = rows;
  for (let column = 0; column < width; column += 1) rowAbove[column] = column;
  for (let rowIndex = 1; rowIndex <= left.length; rowIndex += 1) {
    const first = Math.max(1, rowIndex - limit);
    const last = Math.min(right.length, rowIndex + limit);
    row[first - 1] = first === 1 ? rowIndex : tooFar;
    if (last < right.length) row[last + 1] = tooFar;
    let rowMinimum = row[first - 1] ?? tooFar;
    const letter = left.charCodeAt(rowIndex - 1);
    const letterBefore = left.charCodeAt(rowIndex - 2);
    for (let column = first; column <= last; column += 1) {
      const other = right.charCodeAt(column - 1);
      let distance = Math.min(
        (rowAbove[column - 1] ?? tooFar) + (letter === other ? 0 : 1),
        (rowAbove[column] ?? tooFar) + 1,
        (row[column - 1] ?? tooFar) + 1,
      );
      // charCodeAt is NaN before the start, so the swap test fails there on its own.
      if (letter === right.charCodeAt(column - 2) && letterBefore === other)
        distance = Math.min(distance, (twoRowsUp[column - 2] ?? tooFar) + 1);
      row[column] = distance;
      rowMinimum = Math.min(rowMinimum, distance);
    }
    if (rowMinimum > limit) return undefined;
    [twoRowsUp, rowAbove, row] = [rowAbove, row, twoRowsUp];
  }
  const distance = rowAbove[right.length] ?? tooFar;
  return distance <= limit ? distance : undefined;
}

/**
 * Both texts without the start and end they share, which cannot change the distance (an alignment can
 * always match them letter for letter) and is most of a resource type name: `aws::ec2::instan` of
 * `AWS::EC2::Instanse` and `AWS::EC2::Instance`.
 */
function withoutCommonEnds(left: string, right: string): [string, string] {
  let start = 0;
  while (start < left.length && start < right.length && left[start] === right[start]) start += 1;
  let end = 0;
  while (
    end < left.length - start &&
    end < right.length - start &&
    left[left.length - 1 - end] === right[right.length - 1 - end]
  )
    end += 1;
  return [left.slice(start, left.length - end), right.slice(start, right.length - end)];
}
