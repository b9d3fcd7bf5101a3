// Renders the example's web page from the greeting the Java library prints.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const greeting = readFileSync(process.argv[2], 'utf8').trim();
const mode = process.env.BUILD_MODE ?? 'development';
mkdirSync('dist', { recursive: true });
writeFileSync('dist/index.html',
  `<!doctype html>\n<title>${greeting}</title>\n<h1>${greeting}</h1>\n<p>built in ${mode} mode</p>\n`);
console.log(`web: wrote dist/index.html (${mode})`);
