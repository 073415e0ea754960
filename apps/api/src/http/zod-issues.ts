import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * zod reports an input that matches no branch of a union as one `invalid_union` issue saying "Invalid input", with each
 * branch's own issues inside. When the input's keys rule out every branch but one (the strict objects of the others
 * report them as unrecognized), that branch is the one the client meant, and its issues say what is wrong:
 * `{"daysBefore": 1.5, "at": "10:00"}` gives `reminderPolicy.daysBefore: …` rather than `reminderPolicy: Invalid input`.
 * Otherwise the union's own message stands.
 */
export function meantIssues(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const meant = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'unrecognized_keys' && inner.path.length === 0));
    if (meant.length !== 1) return [issue];
    return meantIssues(meant[0]).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}
