import { describe, expect, it } from 'vitest';
import { htmlToText, parseDocumentFile, splitFrontMatter } from './text.js';

describe('document files', () => {
  it('reads front matter access in flow and block form, and leaves it absent without one', () => {
    expect(parseDocumentFile('a.md', '---\naccess: [hr, "legal"]\n---\n# Pay\nText.').access).toEqual(['hr', 'legal']);
    expect(parseDocumentFile('a.md', '---\ntitle: Pay scale\naccess:\n  - hr\n  - finance\n---\nText.')).toEqual({ title: 'Pay scale', text: 'Text.', access: ['hr', 'finance'] });
    expect(parseDocumentFile('a.md', '---\naccess: hr\n---\nText.').access).toEqual(['hr']);
    expect(parseDocumentFile('a.md', '# Pay\nText.').access).toBeUndefined();
    expect(splitFrontMatter('no front matter\n---\n').body).toBe('no front matter\n---\n');
  });

  it('titles from a Markdown heading, an HTML <title>, else the file name', () => {
    expect(parseDocumentFile('x/a.md', '# Heading one\n\nBody.').title).toBe('Heading one');
    expect(parseDocumentFile('x/notes.txt', '# not a heading in text\nBody.').title).toBe('notes');
  });

  it('strips HTML to its text: scripts and styles gone, blocks on their own lines, entities decoded', () => {
    const { title, text } = htmlToText('<html><head><title>T &amp; U</title><script>var x = "<p>";</script></head><body><h1>Head</h1><p>One &lt;two&gt; &#233;&#x41;</p><!-- c --><ul><li>a</li><li>b</li></ul></body></html>');
    expect(title).toBe('T & U');
    expect(text).toBe('Head\n\nOne <two> éA\n\na\n\nb');
  });
});
