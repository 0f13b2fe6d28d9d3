/**
 * The HTML frame every Rekindle email shares. Template text goes in as-is (it is authored here,
 * trusted); only the `{{variables}}` inside it are escaped at render time.
 */
export function emailHtml(lang: 'zh-CN' | 'en', paragraphs: readonly string[], action: { label: string; urlVariable: string }): string {
  const body = paragraphs.map((paragraph) => `<p style="margin:0 0 16px">${paragraph}</p>`).join('');
  return (
    `<!doctype html><html lang="${lang}"><body style="font-family:sans-serif;color:#222;max-width:560px;margin:auto">` +
    body +
    `<p><a href="{{${action.urlVariable}}}" style="background:#e4572e;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">${action.label}</a></p>` +
    `</body></html>`
  );
}
