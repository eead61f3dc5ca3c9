// The workload groups `npm run bench` runs, in order, each in its own child process.
//
// To add a group: write benchmarks/groups/<name>.ts whose default export is a `Group`
// (see ../bench.ts) and add one line here. `npm run bench -- <id>` runs the groups whose id
// starts with <id> (case-insensitive), e.g. `W2` runs W2 and W2big.

/** A group's id (for selection and the report) and its file in this folder. */
export interface GroupEntry {
  id: string;
  file: string;
}

export const groups: GroupEntry[] = [
  { id: 'P', file: 'primitives.ts' },
  { id: 'W1', file: 'w1Worked.ts' },
  { id: 'W2', file: 'w2Rosenbrock.ts' },
  { id: 'W2big', file: 'w2Large.ts' },
  { id: 'M', file: 'memory.ts' },
  { id: 'W3', file: 'w3Loop.ts' },
  { id: 'W4', file: 'w4Jacobian.ts' },
  { id: 'X', file: 'crossover.ts' },
  { id: 'W5', file: 'w5Hessian.ts' },
  { id: 'S', file: 'sparse.ts' },
  { id: 'B', file: 'backends.ts' },
  { id: 'C', file: 'scan.ts' },
];
