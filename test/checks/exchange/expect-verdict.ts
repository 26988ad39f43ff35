import { expect } from 'vitest';
import type { CheckResult } from '../../../src/engine/result.js';

/** A failing or warning verdict a person can act on: a sentence, the evidence, the by-hand step and the cmdlet. */
export function expectActionable(result: CheckResult, status: 'fail' | 'warn', ...mentions: string[]): void {
  expect(result.status, result.detail).toBe(status);
  expect(result.detail).toMatch(/\.$/);
  expect(Object.keys(result.observed).length).toBeGreaterThan(0);
  expect(Object.keys(result.expected).length).toBeGreaterThan(0);
  expect(result.remediation?.manual).toBeTruthy();
  expect(result.remediation?.command).toBeTruthy();
  for (const text of mentions) expect(result.detail).toContain(text);
}
