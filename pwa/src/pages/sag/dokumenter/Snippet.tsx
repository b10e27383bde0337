// A search hit's snippet: the API marks the matched words with <mark>…</mark> and nothing
// else. Everything is shown as text (React escapes it); only those two tags become <mark>
// elements, so a document's own "<script>" is words on the screen, never markup.
import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (m) => ENTITIES[m] ?? m);
}

export function Snippet({ text, className = 'doc-snippet' }: { text: string; className?: string }) {
  const parts: ReactNode[] = [];
  let marked = false;
  for (const [i, piece] of text.split(/(<mark>|<\/mark>)/).entries()) {
    if (piece === '<mark>') marked = true;
    else if (piece === '</mark>') marked = false;
    else if (piece) parts.push(marked ? <mark key={i}>{decode(piece)}</mark> : decode(piece));
  }
  return <p className={className}>… {parts} …</p>;
}
