/** `shortDiff` (emit/write-files.ts): what `generate --check` shows of a stale file. */
import { describe, expect, it } from 'vitest';
import { shortDiff } from '../generator/schema/emit/write-files.js';

describe('shortDiff', () => {
  it('shows the changed lines with where they start, and stops after a few', () => {
    expect(shortDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('@@ line 2 @@\n- b\n+ B\n');
    expect(shortDiff('a\n', 'a\nb\n')).toBe('@@ line 2 @@\n+ b\n');
    const many = shortDiff(
      Array.from({ length: 40 }, (_, i) => `x${i}`).join('\n'),
      Array.from({ length: 40 }, (_, i) => `y${i}`).join('\n'),
      6,
    );
    expect(many.trimEnd().split('\n')).toHaveLength(7);
    expect(many.trimEnd().split('\n').at(-1)).toBe('  ...');
  });
});
