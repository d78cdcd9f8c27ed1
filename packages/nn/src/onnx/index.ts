// Browser-safe part of the ONNX exporter (no node: imports); exportOnnx, which writes files, is in file.ts.
export { toOnnx, type OnnxExportOptions, type DynamicAxes } from './export.js';
export { OnnxExportError, OnnxUnsupportedOpError } from './errors.js';
