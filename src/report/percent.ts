/**
 * Percentages printed against a limit: the fewest decimals at which every value rounds under the limit, so that a
 * document never prints a value that is under its limit as equal to it ("12.6 % against a limit of 12.6 %").
 */
export function percentDigits(below: readonly number[], limit: number, least: number): number {
  const at = (v: number, digits: number) => Math.round(v * 100 * 10 ** digits);
  let digits = least;
  while (digits < 4 && below.some((v) => at(v, digits) >= at(limit, digits))) digits++;
  return digits;
}
