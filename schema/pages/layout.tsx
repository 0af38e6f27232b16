import type { ReactNode } from 'react';
import type * as ReactDomServer from 'react-dom/server';
import { onFirstUse } from '../../server/on-first-use';

/** React's server renderer, loaded by the first page served (server/on-first-use.ts). */
const reactDomServer = onFirstUse(() => require('react-dom/server') as typeof ReactDomServer);

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#18181b;background:#fafafa}
main{max-width:46rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .6rem}
a{color:#1d4ed8}code,pre{font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}code{background:#f1f5f9;padding:.1rem .3rem;border-radius:4px;overflow-wrap:anywhere}
pre{background:#0f172a;color:#e2e8f0;padding:1rem;border-radius:8px;overflow-x:auto}.muted{color:#52525b}.eyebrow{color:#52525b;font-size:.9rem;margin:0}
.card{background:#fff;border:1px solid #e4e4e7;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e4e4e7;vertical-align:top;overflow-wrap:anywhere}
.button{display:inline-block;background:#1d4ed8;color:#fff;text-decoration:none;padding:.6rem 1.1rem;border-radius:6px;font-weight:600;margin:.25rem .5rem .25rem 0}
.button.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}.tags span{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:999px;padding:.05rem .6rem;margin:0 .3rem .3rem 0;font-size:.85rem}
.notice{border-left:4px solid #a1a1aa;padding:.4rem .9rem;color:#3f3f46;background:#f4f4f5;margin:2rem 0 0;font-size:.9rem}
`;

/** The frame of every page the API serves itself: plain HTML, no script, readable on a phone. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {/* No icon: without this line every browser asks for /favicon.ico, a 404 in its console. */}
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}

/** React escapes every value: titles and bodies written by members cannot inject markup. */
export const renderPage = (element: ReactNode) => `<!doctype html>${reactDomServer().renderToStaticMarkup(element)}`;

/** Markdown, shown as text: headings and paragraphs, nothing interpreted as HTML. */
export function PlainMarkdown({ source }: { source: string }) {
  return (
    <>
      {source
        .split(/\n{2,}/)
        .map((block) => block.trim())
        .filter(Boolean)
        .map((block, index) => {
          const heading = /^#{1,6}\s+(.*)$/s.exec(block);
          return heading ? <h2 key={index}>{heading[1]}</h2> : <p key={index}>{block}</p>;
        })}
    </>
  );
}
