// Reads a JSON array of {name, flux} on stdin and prints a JSON array of {name, valid, errors}: syntax errors
// from the parser's AST, and the language server's diagnostics (unknown functions, wrong argument names or
// types), severity 1 only. The package is built for bundlers (it imports its .wasm as an ES module), so the
// WebAssembly module is instantiated here by hand against the package's own JavaScript glue.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'node_modules', '@influxdata', 'flux-lsp-browser');
const glue = fs.readFileSync(path.join(dir, 'flux-lsp-browser_bg.js'), 'utf8');
const patched = glue
  .replace("import * as wasm from './flux-lsp-browser_bg.wasm';",
    'let wasm; export function __setWasm(w) { wasm = w; cachedInt32Memory0 = new Int32Array(wasm.memory.buffer); cachedUint8Memory0 = new Uint8Array(wasm.memory.buffer); }')
  .replace(/^cached(Int32|Uint8)Memory0 = new .*$/gm, '');
if (patched === glue) {
  throw new Error('flux-lsp-browser glue has changed: update tests/tools/flux-check/check.mjs');
}
const bg = await import('data:text/javascript;base64,' + Buffer.from(patched).toString('base64'));
const module = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'flux-lsp-browser_bg.wasm')));
bg.__setWasm(new WebAssembly.Instance(module, { './flux-lsp-browser_bg.js': bg }).exports);

function syntaxErrors(node, found = []) {
  if (Array.isArray(node)) {
    node.forEach(n => syntaxErrors(n, found));
  } else if (node && typeof node === 'object') {
    for (const e of node.errors ?? []) {
      found.push(`${node.location?.start?.line ?? '?'}:${node.location?.start?.column ?? '?'} ${e.msg ?? JSON.stringify(e)}`);
    }
    Object.values(node).forEach(v => syntaxErrors(v, found));
  }
  return found;
}

const lsp = new bg.Lsp();
const waiting = new Map();
lsp.onMessage(text => {
  const message = JSON.parse(text);
  if (message.method === 'textDocument/publishDiagnostics') {
    waiting.get(message.params.uri)?.(message.params.diagnostics);
  }
});
lsp.run().catch(e => console.error('flux-lsp stopped:', e));
const send = message => lsp.send(JSON.stringify({ jsonrpc: '2.0', ...message }));
await send({ id: 0, method: 'initialize', params: { capabilities: {} } });

const scripts = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = [];
for (const [i, { name, flux }] of scripts.entries()) {
  // One folder per script: the language server treats the files of a folder as one package.
  const uri = `file:///script${i}/main.flux`;
  const diagnostics = new Promise((resolve, reject) => {
    waiting.set(uri, resolve);
    setTimeout(() => reject(new Error(`no diagnostics for ${name} within 20 s`)), 20000).unref();
  });
  await send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'flux', version: 1, text: flux } } });
  const errors = syntaxErrors(bg.parse(flux));
  for (const d of await diagnostics) {
    if (d.severity === 1) {
      errors.push(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
    }
  }
  await send({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
  const valid = new bg.Flux(flux).is_valid();
  if (!valid && errors.length === 0) {
    errors.push('the semantic check failed without a diagnostic');
  }
  results.push({ name, valid: valid && errors.length === 0, errors });
}
// The WebAssembly logger writes to stdout too: the answer is the line that starts with this marker.
process.stdout.write("\nFLUX-CHECK-RESULT " + JSON.stringify(results) + "\n");
process.exit(0);
