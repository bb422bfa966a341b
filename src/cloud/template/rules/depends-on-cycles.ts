/** A directed graph: each node and the nodes it points at (its dependencies), in template order. */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * One cycle per group of nodes that reach each other (a strongly connected component with more than one
 * node, or a node pointing at itself), as `[A, B, A]`: the shortest way from the group's first node, in
 * graph order, back to itself.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const order = [...graph.keys()];
  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    const members = new Set(component);
    const start = order.find((node) => members.has(node));
    if (start === undefined) continue;
    const cycle = shortestCycle(start, graph, members);
    if (cycle) cycles.push(cycle);
  }
  return cycles;
}

/** Tarjan's algorithm; templates hold at most a few hundred resources, so recursion is safe. */
function stronglyConnectedComponents(graph: DependencyGraph): string[][] {
  const indexes = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, indexes.size);
    lowLinks.set(node, indexes.size - 1);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indexes.has(next)) visit(next);
      if (onStack.has(next)) lowLinks.set(node, Math.min(lowLinks.get(node) ?? 0, lowLinks.get(next) ?? 0));
    }
    if (lowLinks.get(node) !== indexes.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member !== undefined) {
        onStack.delete(member);
        component.push(member);
      }
    } while (member !== undefined && member !== node);
    components.push(component);
  };
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node);
  return components;
}

/** Breadth-first search from `start` back to itself, staying inside `members`. */
function shortestCycle(
  start: string,
  graph: DependencyGraph,
  members: ReadonlySet<string>,
): string[] | undefined {
  const parents = new Map<string, string>();
  const queue = [start];
  for (let position = 0; position < queue.length; position += 1) {
    const node = queue[position] as string;
    for (const next of graph.get(node) ?? []) {
      if (next === start) return [...pathTo(node, start, parents), start];
      if (!members.has(next) || parents.has(next)) continue;
      parents.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

function pathTo(node: string, start: string, parents: ReadonlyMap<string, string>): string[] {
  const path = [node];
  for (let current = node; current !== start; ) {
    current = parents.get(current) ?? start;
    path.unshift(current);
  }
  return path;
}
