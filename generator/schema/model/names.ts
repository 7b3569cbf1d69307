import type { Names } from './model.js';

/**
 * Case conversions of a snake_case identifier. Two names that convert to the same PascalCase
 * (`ipc_send`, `ipcsend` cannot, but `ipc_send2` and `ipc_send_2` can) are a collision the
 * checker reports, so generated identifiers are always unique.
 */
export function namesOf(snake: string): Names {
  const parts = snake.split('_').filter((p) => p !== '');
  const pascal = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return {
    snake,
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    pascal,
    upper: parts.join('_').toUpperCase(),
  };
}
