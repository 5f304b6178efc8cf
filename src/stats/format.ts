/** Number formatting shared by the statistics, compare and gate reports. */

/** A score or rate in [0, 1] with 3 decimals; "–" for a missing value. */
export function fmtNum(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A signed difference: "+0.012", "-0.034", "±0.000" for zero. */
export function fmtSigned(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return `±${s}`;
  return x > 0 ? `+${s}` : `-${s}`;
}

export function fmtInterval(ci: { lo: number; hi: number } | null | undefined, signed = false, digits = 3): string {
  if (!ci) return '–';
  const f = signed ? fmtSigned : fmtNum;
  return `[${f(ci.lo, digits)}, ${f(ci.hi, digits)}]`;
}

/** "0.712 [0.670, 0.751]". */
export function fmtMeanCI(ci: { mean: number; lo: number; hi: number } | null | undefined, digits = 3): string {
  return ci ? `${fmtNum(ci.mean, digits)} ${fmtInterval(ci, false, digits)}` : '–';
}

/** p-values: 3 significant digits, "<0.001" below that. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** "p=0.034" or "p<0.001". */
export function pText(p: number | null | undefined): string {
  const f = fmtP(p);
  return f.startsWith('<') ? `p${f}` : `p=${f}`;
}

/** A ratio like "1.23×". */
export function fmtRatio(r: number | null | undefined): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '–' : `${r.toFixed(2)}×`;
}
