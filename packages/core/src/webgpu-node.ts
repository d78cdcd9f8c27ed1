/**
 * @torchlet/core/webgpu-node: the 'webgpu' device in Node, through npm's `webgpu` package (Dawn, an optional peer
 * dependency: `npm install webgpu`). Everything of @torchlet/core/webgpu, with an initWebGPU that makes Dawn's GPU
 * entry point itself. An entry of its own rather than an option of the browser's initWebGPU, so that a browser bundle
 * never sees an import of 'webgpu' (a native Node addon).
 */
import { type InitWebGPUOptions, type WebGPUContext, initWebGPU as initWithEntryPoint } from '@torchlet/core/webgpu';
import { checkOptionKeys, rejectExtraArguments } from './options.js';

export * from '@torchlet/core/webgpu';

/** Options of the Node initWebGPU. */
export interface InitWebGPUNodeOptions {
  /** The adapter asked for; default 'high-performance'. */
  powerPreference?: 'low-power' | 'high-performance';
  /** Dawn's own flags, passed to the package's `create()`: e.g. 'backend=vulkan', 'adapter=NAME', 'enable-dawn-features=...'. */
  dawnFlags?: readonly string[];
}

type GPUEntryPoint = NonNullable<InitWebGPUOptions['gpu']>;

/**
 * Dawn's GPU object, referenced for the life of the process: Dawn tears its instance down when this object is
 * garbage collected, and a device still in use then crashes the process (mutex assertions, `std::system_error`,
 * segfaults or a hang, whenever the collector happens to run).
 */
let dawn: GPUEntryPoint | null = null;
let current: Promise<WebGPUContext> | null = null;

const SOFTWARE_DRIVER =
  'Without a GPU, the SwiftShader Vulkan driver of Debian\'s chromium package serves (`apt-get install chromium`): start node with ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and LD_LIBRARY_PATH=/usr/lib/chromium (libvulkan.so.1 is there). ' +
  'The CPU keeps working.';

/**
 * Creates Dawn's WebGPU entry point (npm's `webgpu` package), requests an adapter and device (once per process: later
 * calls return the same context) and makes 'webgpu' a Tensor device on it. Rejects with an error saying what to
 * install or set when the package is missing or Dawn finds no adapter.
 */
export function initWebGPU(options: InitWebGPUNodeOptions = {}, ...extra: unknown[]): Promise<WebGPUContext> {
  rejectExtraArguments('initWebGPU', 1, 1 + extra.length);
  checkOptionKeys('initWebGPU', options, ['powerPreference', 'dawnFlags']);
  const flags: unknown = options.dawnFlags;
  if (flags !== undefined && !(Array.isArray(flags) && flags.every((flag) => typeof flag === 'string'))) {
    throw new TypeError(`initWebGPU: dawnFlags must be an array of strings (e.g. ['backend=vulkan']), got ${JSON.stringify(flags)}`);
  }
  current ??= requestContext(options);
  current.catch(() => (current = null)); // a failed request may be retried
  return current;
}

async function requestContext(options: InitWebGPUNodeOptions): Promise<WebGPUContext> {
  const powerPreference = options.powerPreference ?? 'high-performance';
  dawn ??= await createDawn(options.dawnFlags ?? []);
  const adapter = await dawn.requestAdapter({ powerPreference });
  if (adapter === null) throw new Error(`initWebGPU: Dawn (npm's \`webgpu\` package) found no GPU adapter. ${SOFTWARE_DRIVER}`);
  return initWithEntryPoint({ gpu: { requestAdapter: async () => adapter }, powerPreference });
}

async function createDawn(flags: readonly string[]): Promise<GPUEntryPoint> {
  let create: (flags: string[]) => unknown;
  try {
    ({ create } = await import('webgpu'));
  } catch (err) {
    throw new Error(
      `initWebGPU: the 'webgpu' package (Dawn for Node) could not be loaded: install it beside @torchlet/core (\`npm install webgpu\`) ` +
        `(${(err as Error).message})`,
    );
  }
  return create([...flags]) as GPUEntryPoint;
}
