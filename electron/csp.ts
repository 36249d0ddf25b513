/**
 * The renderer's Content Security Policy. Sent as a response header for the app's pages (on top of
 * the meta tag in renderer/index.html; browsers enforce both) and by the browser test bridge, so
 * the UI is tested under the policy it ships with. Only the app's own scripts, styles and
 * connections; no inline script, no eval, no frames, no plugins, no form posts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
].join('; ');
