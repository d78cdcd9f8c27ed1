/** Anything that keeps a model from being exported: bad options, an unsupported argument, an untraceable forward. */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

/** An op the exporter has no ONNX mapping for (or not with these arguments), with the module that called it. */
export class OnnxUnsupportedOpError extends OnnxExportError {
  override name = 'OnnxUnsupportedOpError';

  constructor(
    /** The torchlet op's name, e.g. 'logsumexp'. */
    readonly op: string,
    /** Dotted name of the module whose forward called it ('' for the model itself). */
    readonly modulePath: string,
    /** That module's class name. */
    readonly moduleType: string,
    reason: string,
  ) {
    super(`toOnnx: op '${op}' (called in ${modulePath === '' ? 'the model' : `module '${modulePath}'`}, ${moduleType}) ${reason}`);
  }
}
