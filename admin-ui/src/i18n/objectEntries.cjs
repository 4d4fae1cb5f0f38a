// node-polyglot (under ra-i18n-polyglot) requires the `object.entries` polyfill, which brings a dozen ES-shim packages
// (get-intrinsic, call-bind, define-properties, …; some 5 kB gzip) into the sign-in page's download. Every browser the
// console supports has Object.entries: vite.config.ts points the polyfill here.
module.exports = Object.entries
