// `npm run playground`: serves the built dist/playground on localhost and prints the URL (PORT overrides 8080).
import { existsSync } from 'node:fs';
import { servePlayground } from './serve';

const root = 'dist/playground';
if (!existsSync(`${root}/index.html`)) {
  console.error(`playground: ${root}/index.html is missing; build it with npm run build:playground`);
  process.exit(1);
}
const port = Number(process.env['PORT'] ?? 8080);
servePlayground(root, port).then(
  ({ url }) => console.log(`dualtape playground: ${url}  (also opens as a file: ${root}/index.html; Ctrl+C stops)`),
  (err: Error) => {
    console.error(`playground: cannot listen on port ${port}: ${err.message} (set PORT to another one)`);
    process.exit(1);
  },
);
