// symdil page geometry, measured in the page as Chromium lays it out (tests/page_geometry.py).
// Returns painted border boxes, text boxes that overlap, and bracket/matrix height pairs.
(() => {
  const rect = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
  const painted = [];
  for (const el of document.querySelectorAll('math *, .answer-space, table *')) {
    const s = getComputedStyle(el);
    const sides = {};
    for (const side of ['Top', 'Right', 'Bottom', 'Left']) {
      const width = parseFloat(s['border' + side + 'Width']);
      if (width > 0 && s['border' + side + 'Style'] !== 'none' &&
          s['border' + side + 'Color'] !== 'rgba(0, 0, 0, 0)') sides[side.toLowerCase()] = width;
    }
    const r = rect(el);
    if (Object.keys(sides).length && r.w > 0 && r.h > 0)
      painted.push({tag: el.tagName.toLowerCase(), sides, ...r,
                    table: el.closest('mtable') ? [...document.querySelectorAll('mtable')].indexOf(el.closest('mtable')) : -1});
  }
  // text boxes: MathML tokens, SVG text, and the lines of prose text nodes
  const texts = [];
  const push = (kind, r, label) => { if (r.width > 0.5 && r.height > 0.5)
    texts.push({kind, label, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}); };
  for (const el of document.querySelectorAll('mi, mn, mo, mtext')) {
    if (el.getAttribute('stretchy') === 'true' || !el.textContent.trim()) continue;
    push('math', el.getBoundingClientRect(), el.textContent);
  }
  for (const el of document.querySelectorAll('svg text')) push('svg', el.getBoundingClientRect(), el.textContent);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('math, svg, style, title, script')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) push('prose', r, node.textContent.trim().slice(0, 30));
  }
  const overlaps = [];
  const tolerance = 1.0;
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i], b = texts[j];
    const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    if (dx > tolerance && dy > tolerance) overlaps.push([a, b, dx, dy]);
  }
  // brackets: an mrow of [mo, mtable, mo]
  const brackets = [];
  for (const table of document.querySelectorAll('mtable')) {
    const before = table.previousElementSibling, after = table.nextElementSibling;
    if (!before || !after || before.tagName.toLowerCase() !== 'mo' || after.tagName.toLowerCase() !== 'mo') continue;
    // a matrix broken across lines: each part has one bracket (the other is \right.)
    if (!before.textContent.trim() || !after.textContent.trim()) continue;
    brackets.push({table: rect(table).h, left: rect(before).h, right: rect(after).h,
                   text: before.textContent + after.textContent});
  }
  // minus signs: the gap to the operand after a sign, the room on both sides of a subtraction
  const minus = {unary: [], binary: []};
  for (const mo of document.querySelectorAll('mo')) {
    if (mo.textContent.trim() !== '\u2212') continue;
    const before = mo.previousElementSibling, after = mo.nextElementSibling;
    if (!after) continue;
    const r = mo.getBoundingClientRect(), a = after.getBoundingClientRect();
    const opening = !before || (before.tagName.toLowerCase() === 'mo' &&
                                /^[(\[{,=\u2264\u2265<>]$/.test(before.textContent.trim()));
    if (opening) minus.unary.push(a.left - r.right);
    else if (before) minus.binary.push(Math.min(a.left - r.right, r.left - before.getBoundingClientRect().right));
  }
  return {minus, painted, overlaps: overlaps.slice(0, 20), overlapCount: overlaps.length,
          textCount: texts.length, brackets};
})()
