/** Renderer entry: styles, the debug snapshot, start-up, then the React tree. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { bootstrap } from './stores/bootstrap.js';
import { installDebugSnapshot } from './stores/snapshot.js';
import './styles/app.css';

installDebugSnapshot();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
void bootstrap();
