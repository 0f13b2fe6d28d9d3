import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_JS_BUDGET_GZIP_BYTES } from '../../../console/build';

const outDir = mkdtempSync(join(tmpdir(), 'rekindle-console-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the console bundle', () => {
  it('is static files whose JavaScript fits the 150 KB gzipped budget, with nothing fetched from another origin', async () => {
    // Act
    const built = await buildConsole(outDir);

    // Assess
    process.stdout.write(`console app.js: ${(built.jsBytes / 1024).toFixed(1)} KB, ${(built.jsGzipBytes / 1024).toFixed(1)} KB gzipped (budget 150 KB)\n`);
    expect(built.jsGzipBytes).toBeLessThanOrEqual(CONSOLE_JS_BUDGET_GZIP_BYTES);
    const page = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(page).toContain('src="app.js"');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8'))).toEqual({ auth: 'local-token', apiUrl: '' });
  }, 60_000);
});
