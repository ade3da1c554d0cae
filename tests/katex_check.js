// Parse every math span of Markdown documents with KaTeX (the renderer GitHub-like viewers use).
// stdin: a JSON list of Markdown strings; stdout: a JSON list (one per document) of error strings.
// Math spans: $$...$$ blocks (may span lines) and $...$ inline (one line); `code` is skipped and
// \$ is a literal dollar.  An inline span crossing a line break is reported as an error.
"use strict";
const katex = require("katex");

function spans(markdown) {
  const found = [];
  const text = markdown.replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\") { i += 2; continue; }
    if (text.startsWith("$$", i)) {
      const end = text.indexOf("$$", i + 2);
      if (end < 0) { found.push({ error: `unclosed $$ at offset ${i}` }); break; }
      found.push({ tex: text.slice(i + 2, end), display: true, at: i });
      i = end + 2;
      continue;
    }
    if (text[i] === "$") {
      let j = i + 1;
      while (j < text.length && text[j] !== "$") { j += text[j] === "\\" ? 2 : 1; }
      if (j >= text.length) { found.push({ error: `unclosed $ at offset ${i}` }); break; }
      const tex = text.slice(i + 1, j);
      if (tex.includes("\n")) found.push({ error: `inline math crosses a line break: $${tex}$` });
      else found.push({ tex, display: false, at: i });
      i = j + 1;
      continue;
    }
    i += 1;
  }
  return found;
}

function check(markdown) {
  const errors = [];
  for (const span of spans(markdown)) {
    if (span.error) { errors.push(span.error); continue; }
    try {
      katex.renderToString(span.tex, { displayMode: span.display, throwOnError: true,
                                       strict: "error" });
    } catch (e) {
      errors.push(`${e.message} in: ${span.tex.trim().slice(0, 200)}`);
    }
  }
  return errors;
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const documents = JSON.parse(input);
  process.stdout.write(JSON.stringify(documents.map(check)));
});
