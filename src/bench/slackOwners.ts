// The bench's resolution owners: one Slack user (and so one DM) per dispute card.
export interface BenchOwner {
  id: string;
  email: string;
  name: string;
}

export function benchOwners(n: number): BenchOwner[] {
  return Array.from({ length: n }, (_, i) => {
    const k = String(i).padStart(4, "0");
    return { id: `U0B${k}`, email: `owner${k}@bench.test`, name: `Owner ${k}` };
  });
}
