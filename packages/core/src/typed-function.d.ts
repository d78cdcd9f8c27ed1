declare module 'typed-function' {
  type AnyFn = (...args: never[]) => unknown;
  interface TypeDef {
    name: string;
    test: (x: unknown) => boolean;
  }
  export interface Typed {
    (name: string, signatures: Record<string, AnyFn>): AnyFn;
    create(): Typed;
    addType(type: TypeDef, beforeObjectTest?: boolean): void;
    onMismatch: (name: string, args: ArrayLike<unknown>, signatures: { signature?: string; params?: { name?: string; restParam?: boolean; types?: { name: string }[] }[] }[]) => unknown;
  }
  const typed: Typed;
  export default typed;
}
