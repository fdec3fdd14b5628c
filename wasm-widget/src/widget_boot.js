// Appended after the Emscripten module (--extern-post-js): how loader.js starts the widget.
// With -sMINIMAL_RUNTIME the page hands the module its wasm bytes: fetched from the loader's
// folder (the server sends widget.wasm.gz when the browser accepts gzip).
// Maintenance reminder: loader.js calls window.__livechatMount; widget_ui.js defines mount.
window.__livechatMount = function (cfg) {
  return fetch(cfg.base + '__LIVECHAT_WASM__')  // publish.mjs writes the content-hashed name
    .then(function (r) {
      if (!r.ok) throw new Error('the widget\'s wasm: HTTP ' + r.status);
      return r.arrayBuffer();
    })
    .then(function (wasm) { return LivechatWidget({ wasm: wasm }); })  // eslint-disable-line no-undef
    .then(function (M) { return M.mount(cfg); });
};
