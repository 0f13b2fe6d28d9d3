import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, buildSync, type BuildOptions } from 'esbuild';
import { DEFAULT_JOURNEY_INPUTS, DEFAULT_LIFECYCLE_INPUTS } from '../shared/domain/journeys/default-journeys';

/** The console's JavaScript, gzipped, may not exceed this (issue 12's budget). */
export const CONSOLE_JS_BUDGET_GZIP_BYTES = 150 * 1024;

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'src');

/**
 * How the console signs a marketer in, written beside the bundle as `config.json`: locally with the
 * local marketer token on the API's own origin; in AWS through Cognito's hosted UI (authorization
 * code with PKCE) against the console API's URL.
 */
export type ConsoleConfig =
  { auth: 'local-token'; apiUrl: '' } | { auth: 'cognito'; apiUrl: string; cognitoDomain: string; clientId: string; redirectUri: string };

export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { auth: 'local-token', apiUrl: '' };

export interface ConsoleBuild {
  outDir: string;
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
}

function bundleOptions(out: string): BuildOptions {
  return {
    entryPoints: { app: join(SOURCE_DIR, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    outdir: out,
    legalComments: 'none',
    // The shipped journeys, as data, for the editor to start from (console/src/journey-draft.ts).
    define: { __REKINDLE_JOURNEY_DEFAULTS__: JSON.stringify({ recall: DEFAULT_JOURNEY_INPUTS, lifecycle: DEFAULT_LIFECYCLE_INPUTS }) },
    logLevel: 'silent',
  };
}

function finish(out: string, config: ConsoleConfig | null): ConsoleBuild {
  copyFileSync(join(SOURCE_DIR, 'index.html'), join(out, 'index.html'));
  if (config) writeFileSync(join(out, 'config.json'), JSON.stringify(config));
  const js = readFileSync(join(out, 'app.js'));
  return {
    outDir: out,
    jsBytes: statSync(join(out, 'app.js')).size,
    jsGzipBytes: gzipSync(js, { level: 9 }).length,
    cssGzipBytes: gzipSync(readFileSync(join(out, 'app.css')), { level: 9 }).length,
  };
}

/**
 * Bundles the console into static files (index.html, app.js, app.css, config.json) in `outDir`:
 * everything from npm, nothing fetched from a CDN at run time.
 */
export async function buildConsole(outDir: string, config: ConsoleConfig | null = LOCAL_CONSOLE_CONFIG): Promise<ConsoleBuild> {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  await build(bundleOptions(out));
  return finish(out, config);
}

/**
 * The same build, synchronously: what CDK's local asset bundling needs at synth. `config.json` is
 * left out; the deployment writes it with the deployed values.
 */
export function buildConsoleSync(outDir: string): ConsoleBuild {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  buildSync(bundleOptions(out));
  return finish(out, null);
}

/** The console's sources, which CDK hashes to tell whether the site changed. */
export const CONSOLE_SOURCE_DIR = SOURCE_DIR;

// `npx tsx console/build.ts [outDir]`: builds and prints the sizes against the budget.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildConsole(process.argv[2] ?? 'console/dist');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    `console built in ${result.outDir}: app.js ${kb(result.jsBytes)} (${kb(result.jsGzipBytes)} gzipped, budget ${kb(CONSOLE_JS_BUDGET_GZIP_BYTES)}), app.css ${kb(result.cssGzipBytes)} gzipped\n`,
  );
  if (result.jsGzipBytes > CONSOLE_JS_BUDGET_GZIP_BYTES) process.exitCode = 1;
}
