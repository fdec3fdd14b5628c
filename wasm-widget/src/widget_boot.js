// Appended after the Emscripten module (--extern-post-js): how loader.js starts the widget.
// With -sMINIMAL_RUNTIME the page hands the module its wasm bytes: fetched from the loader's
// folder (the server sends widget.wasm.gz when the browser accepts gzip).
// Maintenance reminder: loader.js calls window.__livechatMount; widget_ui.js defines mount.
window.__livechatMount = function (cfg) {
  return fetch(cfg.base + 'widget.wasm')
    .then(function (r) {
      if (!r.ok) throw new Error('widget.wasm: HTTP ' + r.status);
      return r.arrayBuffer();
    })
    .then(function (wasm) { return LivechatWidget({ wasm: wasm }); })  // eslint-disable-line no-undef
    .then(function (M) { return M.mount(cfg); });
};
