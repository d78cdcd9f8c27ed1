// Read only by scripts/check-docs.ts, which checks itself on this file first: the exports here without a doc comment
// are exactly the ones it must report (TypeDoc's own check reported nothing at all, so a silent pass is not trusted).
/** Documented. */
export function documentedFunction(): void {}
export function undocumentedFunction(): void {}
/** Documented. */
export interface DocumentedOptions {
  a?: number;
}
export interface UndocumentedOptions {
  a?: number;
}
export type UndocumentedType = number;
export const undocumentedConst = 1;
/** Documented. */
export class DocumentedClass {}
export class UndocumentedClass {}
