import { describe, expect, it } from 'vitest';
import { escapeHtml, Html, html } from './escape.js';
import { PAYLOAD } from './test-fixtures.js';

describe('HTML escaping', () => {
  it('escapes the five characters that can open markup or leave an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('html escapes every interpolated string, number and list item, keeps Html and drops nothing-values', () => {
    const out = html`<td title="${PAYLOAD}">${PAYLOAD}${[PAYLOAD, 3]}${new Html('<b>ok</b>')}${null}${undefined}${false}</td>`.value;
    expect(out).not.toMatch(/<script|<img|<\/td>.*<\/td>|"window/);
    expect(out.startsWith('<td title="&lt;script&gt;')).toBe(true);
    expect(out).toContain('&lt;/td&gt; | a | b |');
    expect(out).toContain('3<b>ok</b></td>');
    expect(out.match(/<\/td>/g)).toHaveLength(1);
  });

  it('nests: markup built by html stays markup, its text stays escaped', () => {
    const inner = html`<i>${'<x>'}</i>`;
    expect(html`<p>${inner}</p>`.value).toBe('<p><i>&lt;x&gt;</i></p>');
  });
});
