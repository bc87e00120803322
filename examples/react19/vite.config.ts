import { defineConfig } from 'vite';

// No React plugin needed to build: Vite compiles TSX with the automatic JSX runtime.
export default defineConfig({ oxc: { jsx: { runtime: 'automatic' } } });
