/** A static export: the server components render at build time and the browser hydrates them. */
export default { output: 'export', reactStrictMode: true, turbopack: { root: import.meta.dirname } };
