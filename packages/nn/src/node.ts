// The package in Node: everything in index.ts, plus the functions that take file paths.
export * from './index.js';
export { save, load, loadWithMetadata } from './serialization-files.js';
export * from './onnx/index.js';
export { exportOnnx } from './onnx/file.js';
