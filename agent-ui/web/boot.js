// The dashboard's page script (agent-ui/web/index.html loads it before agent_ui.js; no inline
// script: the dashboard is served with a Content-Security-Policy that allows scripts from its own
// origin only, see server/src/net_static.cpp security_headers).
// Inside a frame (another site framing the dashboard: clickjacking) it does not start; the
// server's frame-ancestors 'none' already stops browsers from showing it there.
if (window.top !== window.self) throw new Error('the dashboard does not run inside a frame');
document.getElementById('canvas').addEventListener('contextmenu', (e) => e.preventDefault());
// The loading line in the language the dashboard will show (the same choice as i18n.cpp's
// start_language: the one kept in localStorage, else the browser's first Italian or English).
(() => {
  let lang = '';
  try { lang = localStorage.getItem('lc_agent_language') || ''; } catch (e) {}
  if (!lang) lang = (navigator.languages || [navigator.language || '']).map((l) => l.slice(0, 2).toLowerCase())
    .find((l) => l === 'it' || l === 'en') || 'en';
  if (lang === 'it') {
    document.documentElement.lang = 'it';
    document.getElementById('loading').textContent = 'Caricamento della dashboard Live Chat…';
  }
})();
// Maintenance reminder: agent-ui/src/platform_web.cpp fills window.lcQueue, exports
// _lc_debug_json (the model summary, made when asked) and sets window.lcWidgetsJson and
// window.lcFrames on every drawn frame; the hooks below read them.
window.lcQueue = [];
window.lcDebug = () => (window.Module && Module.calledRun ? JSON.parse(Module.UTF8ToString(Module._lc_debug_json())) : null);
window.agentUi = {
  widgets: () => JSON.parse(window.lcWidgetsJson || '[]'),
  // {drawn: frames drawn so far, times: the last ones' CPU milliseconds}
  frames: () => JSON.parse(JSON.stringify(window.lcFrames || {drawn: 0, times: []})),
};
// The wheel's unit (pixels or lines) for the dashboard's scroll callback: seen before GLFW's.
window.addEventListener('wheel', (e) => { window.lcWheelMode = e.deltaMode; }, {capture: true, passive: true});
// Text (typed, pasted, composed) goes through a hidden textarea that holds the keyboard focus:
// platform_web.cpp's lc_js_start_text_input makes it; the canvas itself takes no focus.
// The start fonts (agent-ui/src/fonts.hpp); the fallback fonts are fetched when text needs them.
const fontNames = ['DejaVuSans-base.ttf', 'DejaVuSans-Bold-base.ttf', 'DejaVuSans-Oblique-base.ttf'];
const fonts = Promise.all(fontNames.map((n) =>
  fetch('fonts/' + n).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null)));
var Module = {
  canvas: document.getElementById('canvas'),
  preRun: [() => {
    addRunDependency('fonts');
    fonts.then((bufs) => {
      FS.mkdir('/fonts');
      bufs.forEach((b, i) => { if (b) FS.writeFile('/fonts/' + fontNames[i], new Uint8Array(b)); });
      removeRunDependency('fonts');
    });
  }],
  onRuntimeInitialized: () => {
    document.getElementById('loading').style.display = 'none';
  },
  print: (t) => console.log(t),
  printErr: (t) => console.warn(t),
};
