// Vitest runs on Vite, which provides import.meta.glob; its types ship with `vite/client`, which
// this package does not install, so the one form the tests use is declared here.
interface ImportMeta {
  glob<T>(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
}
