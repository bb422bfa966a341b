/** A directed graph: each node and the nodes it points at (its dependencies), in template order. */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * One cycle per group of nodes that reach each other (a strongly connected component with more than one
 * node, or a node pointing at itself), as `[A, B, A]`: the shortest way from the group's first node, in
 * graph order, back to itself. Linear in nodes plus edges: generated templates can hold thousands of
 * conditions.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const positions = new Map<string, number>();
  for (const node of graph.keys()) positions.set(node, positions.size);
  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    const start = firstInOrder(component, positions);
    if (start === undefined) continue;
    const cycle = shortestCycle(start, graph, new Set(component));
    if (cycle) cycles.push(cycle);
  }
  return cycles;
}

/** The member that comes first in graph order. */
function firstInOrder(
  component: readonly string[],
  positions: ReadonlyMap<string, number>,
): string | undefined {
  let first: string | undefined;
  let firstPosition = Number.POSITIVE_INFINITY;
  for (const node of component) {
    const position = positions.get(node) ?? Number.POSITIVE_INFINITY;
    if (position < firstPosition) {
      first = node;
      firstPosition = position;
    }
  }
  return first;
}

/** One step of the depth-first search: a node and the dependencies it has yet to follow. */
interface Visit {
  node: string;
  next: Iterator<string>;
}

/**
 * Tarjan's algorithm with an explicit stack instead of recursion: a chain of thousands of conditions would
 * otherwise overflow the call stack, and rules must not throw.
 */
function stronglyConnectedComponents(graph: DependencyGraph): string[][] {
  const indexes = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const enter = (node: string): Visit => {
    indexes.set(node, indexes.size);
    lowLinks.set(node, indexes.size - 1);
    stack.push(node);
    onStack.add(node);
    return { node, next: (graph.get(node) ?? new Set<string>()).values() };
  };
  for (const root of graph.keys()) {
    if (indexes.has(root)) continue;
    const visits = [enter(root)];
    while (visits.length > 0) {
      const visit = visits.at(-1) as Visit;
      const step = visit.next.next();
      if (!step.done) {
        const next = step.value;
        if (!graph.has(next)) continue;
        if (!indexes.has(next)) visits.push(enter(next));
        else if (onStack.has(next)) lowerLink(lowLinks, visit.node, indexes.get(next));
        continue;
      }
      visits.pop();
      const parent = visits.at(-1);
      if (parent) lowerLink(lowLinks, parent.node, lowLinks.get(visit.node));
      if (lowLinks.get(visit.node) === indexes.get(visit.node))
        components.push(popComponent(visit.node, stack, onStack));
    }
  }
  return components;
}

function lowerLink(lowLinks: Map<string, number>, node: string, candidate: number | undefined): void {
  if (candidate === undefined) return;
  lowLinks.set(node, Math.min(lowLinks.get(node) ?? candidate, candidate));
}

/** Pops the component whose root is `root` off Tarjan's stack. */
function popComponent(root: string, stack: string[], onStack: Set<string>): string[] {
  const component: string[] = [];
  let member: string | undefined;
  do {
    member = stack.pop();
    if (member !== undefined) {
      onStack.delete(member);
      component.push(member);
    }
  } while (member !== undefined && member !== root);
  return component;
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

/** The way from `start` to `node` along the search's parent links. */
function pathTo(node: string, start: string, parents: ReadonlyMap<string, string>): string[] {
  const path = [node];
  for (let current = node; current !== start; ) {
    current = parents.get(current) ?? start;
    path.push(current);
  }
  return path.reverse();
}
