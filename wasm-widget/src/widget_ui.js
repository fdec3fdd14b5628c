// The widget's JS shell (--post-js: it runs inside the Emscripten module, -sMINIMAL_RUNTIME, and
// reaches the exported _lc_* functions, HEAPU8, _malloc and UTF8ToString directly). It owns only
// what WebAssembly cannot: the WebSocket, the DOM inside the loader's open shadow root and
// localStorage. Every decision (state, frames, validation, what to show) is in the C++ widget
// (src/widget.cpp, src/view.cpp); this file calls the lc_* functions, each of which answers with
// one JSON text (Widget::answer: the frames to send, the action's refusal, the view to paint).
// Text is set with textContent; the transcript HTML comes from the core's to_safe_html and is
// applied in place (paintLog), so images load once and scrolling and selection survive.
// When the socket cannot open, GET /api/embed/<playbook> tells why; the widget then shows its
// "unavailable" state and writes one console message with the reason and the fix
// (docs/embedding.md, "When something is wrong").
// Maintenance reminder: the lc_* names are exported in wasm-widget/CMakeLists.txt and defined in
// src/main.cpp; the view keys are written by src/view.cpp; widget_boot.js calls Module.mount.
(function () {
  'use strict';
  var CSS =
    '.panel{position:fixed;right:20px;bottom:92px;width:360px;max-width:calc(100vw - 40px);' +
    'height:min(560px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;color:#1d1d1f;' +
    'border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);overflow:hidden;font:15px/1.4 system-ui,' +
    '-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;text-align:left}' +
    '.panel[hidden]{display:none}' +
    'header{display:flex;align-items:center;gap:10px;padding:12px 14px;background:#1f4e79;color:#fff}' +
    '.av{width:34px;height:34px;border-radius:50%;background:#fff;color:#1f4e79;display:flex;align-items:center;' +
    'justify-content:center;font-weight:700}.hd{flex:1;min-width:0}.title{font-weight:700}.sub{font-size:12px;opacity:.9}' +
    '.x{background:none;border:0;color:#fff;font-size:24px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:6px}' +
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f6f8}' +
    '.m{max-width:85%;display:flex;flex-direction:column}.m .b{padding:8px 12px;border-radius:12px;' +
    'background:#fff;border:1px solid #dde1e6;overflow-wrap:anywhere}.m p{margin:0}.m p+p,.m ul{margin:6px 0 0}' +
    '.m ul{padding-left:18px}.m img{max-width:100%}.m a{color:#0b57a4}' +
    '.me{align-self:flex-end}.me .b{background:#1f4e79;color:#fff;border-color:#1f4e79}.me a{color:#fff}' +
    '.st{font-size:11px;color:#5a6270;align-self:flex-end;margin-top:2px}.failed .st{color:#b00020}' +
    '.st button{margin-left:6px;font:inherit;color:#b00020;background:none;border:1px solid #b00020;' +
    'border-radius:4px;cursor:pointer}.who{font-size:11px;color:#5a6270;margin-bottom:2px}' +
    '.sys{align-self:center;font-size:13px;color:#3c4350;text-align:center}.sys .b{display:none}' +
    '.typing,.notice{font-size:12px;color:#3c4350;padding:0 14px;min-height:0}.notice{color:#b00020}' +
    '.wait{display:flex;align-items:center;gap:8px;padding:8px 14px;font-size:13px;background:#fff8e1;color:#5c4400}' +
    '.wait[hidden],.end[hidden],.composer[hidden]{display:none}' +
    '.dots i{display:inline-block;width:6px;height:6px;margin:0 2px;border-radius:50%;background:#5c4400;' +
    'animation:lcb 1.2s infinite}.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}' +
    '@keyframes lcb{0%,80%,100%{opacity:.2}40%{opacity:1}}' +
    '.buttons{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 0}.buttons:empty{display:none}' +
    '.buttons button,.end button{font:inherit;padding:6px 12px;border-radius:16px;border:1px solid #1f4e79;' +
    'background:#fff;color:#1f4e79;cursor:pointer}.end{padding:10px;text-align:center;border-top:1px solid #dde1e6}' +
    '.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #dde1e6}' +
    '.composer textarea{flex:1;resize:none;font:inherit;padding:8px;border:1px solid #8a93a0;border-radius:8px;' +
    'min-height:38px;max-height:120px}.composer button{font:inherit;padding:0 14px;border:0;border-radius:8px;' +
    'background:#1f4e79;color:#fff;cursor:pointer}.vh{position:absolute;width:1px;height:1px;overflow:hidden;' +
    'clip:rect(0 0 0 0)}button:focus-visible,textarea:focus-visible,.log:focus-visible{outline:3px solid #f2a900;' +
    'outline-offset:2px}@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;' +
    'height:100%;border-radius:0}}';

  function rid() {
    var a = new Uint8Array(9), s = 'm-';
    (window.crypto || window.msCrypto).getRandomValues(a);
    for (var i = 0; i < a.length; i++) s += (a[i] + 256).toString(16).slice(1);
    return s;
  }
  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: the chat still works, it just forgets on reload */ }
  }
  function load(key) {
    try { return localStorage.getItem(key) || ''; } catch (e) { return ''; }
  }

  // Calls an exported C function: strings are copied into the heap (and freed after), a
  // returned const char* is read back as a string when `text` is set.
  var encoder = new TextEncoder();
  function call(f, text, args) {
    var held = [];
    var a = (args || []).map(function (x) {
      if (typeof x !== 'string') return x;
      var b = encoder.encode(x), p = _malloc(b.length + 1);
      HEAPU8.set(b, p);
      HEAPU8[p + b.length] = 0;
      held.push(p);
      return p;
    });
    var r = f.apply(null, a);
    held.forEach(_free);
    return text ? UTF8ToString(r) : r;
  }

  // cfg: {root: ShadowRoot, host: its host element, launcher: HTMLButtonElement, playbook, lang,
  // base (URL ending in /), addStyle(css)}. Returns {toggle(open?)} for the loader.
  function mount(cfg) {
    var M = Module, root = cfg.root, doc = root.ownerDocument || document;
    var T = JSON.parse(call(_lc_strings, true, [cfg.lang]));
    var keyToken = 'lc_visitor_' + cfg.playbook, keyOutbox = 'lc_outbox_' + cfg.playbook;
    var server = new URL(cfg.base, doc.baseURI);
    cfg.addStyle(CSS);
    var panel = doc.createElement('div');
    panel.className = 'panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'lc-title');
    // Static markup only: every dynamic text below is set with textContent.
    panel.innerHTML =
      '<header><div class="av" aria-hidden="true"></div><div class="hd"><div class="title" id="lc-title"></div>' +
      '<div class="sub"></div></div><button type="button" class="x">\u00d7</button></header>' +
      '<div class="log" role="log" aria-live="polite" tabindex="0"></div>' +
      '<div class="wait" role="status" hidden><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>' +
      '<span class="wt"></span></div><div class="typing" aria-live="polite"></div>' +
      '<div class="buttons"></div><div class="notice" role="alert"></div>' +
      '<form class="composer" hidden><label class="vh" for="lc-in"></label><textarea id="lc-in" rows="1"></textarea>' +
      '<button type="submit"></button></form><div class="end" hidden><button type="button" class="new"></button></div>';
    root.appendChild(panel);
    var $ = function (sel) { return panel.querySelector(sel); };
    var el = {
      av: $('.av'), title: $('.title'), sub: $('.sub'), close: $('.x'), log: $('.log'), wait: $('.wait'),
      typing: $('.typing'), buttons: $('.buttons'), notice: $('.notice'), form: $('.composer'),
      input: $('textarea'), label: $('label'), send: $('.composer button'), end: $('.end'), again: $('.new')
    };
    el.close.setAttribute('aria-label', T.close);
    el.log.setAttribute('aria-label', T.messages);
    el.label.textContent = T.write;
    el.send.textContent = T.send;
    el.again.textContent = T['new'];
    $('.wt').textContent = T.waiting;

    var ws = null, attempt = 0, timer = 0, pingTimer = 0, typingTimer = 0, resendTimer = 0, last = {}, open = false,
      local = '', lastButtons = '';
    // Why the chat cannot work here: '' (fine or still trying), 'unreachable' (keeps retrying),
    // 'unknown-playbook' or 'site-not-allowed' (stops: the site owner must act).
    var problem = '', everOpened = false, failures = 0, checking = false;

    // The message list follows the newest message while `pinned` (the visitor has not scrolled
    // up), also when an image above it loads late; `autoTop` is our own last scroll position.
    var pinned = true, autoTop = -1, template = doc.createElement('template');
    function follow() {
      if (!pinned) return;
      el.log.scrollTop = el.log.scrollHeight;
      autoTop = el.log.scrollTop;
    }
    var resized = window.ResizeObserver ? new ResizeObserver(follow) : null;
    if (resized) resized.observe(el.log);
    el.log.addEventListener('scroll', function () {
      if (Math.abs(el.log.scrollTop - autoTop) <= 1) return;  // ours
      pinned = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 40;
    });
    el.log.addEventListener('load', follow, true);  // images without ResizeObserver
    // Applies the view's transcript HTML in place: a message whose HTML is unchanged keeps its
    // element (and its images, selection and focus); changed ones are replaced, gone ones removed.
    function paintLog(html) {
      template.innerHTML = html;  // inert: nothing loads until a node enters the page
      var fresh = Array.prototype.slice.call(template.content.children), have = el.log.children;
      fresh.forEach(function (node, i) {
        var old = have[i];
        if (old && old.outerHTML === node.outerHTML) return;
        if (old) el.log.replaceChild(node, old); else el.log.appendChild(node);
        if (resized) resized.observe(node);
      });
      while (have.length > fresh.length) el.log.removeChild(el.log.lastElementChild);
      follow();
    }

    // One console message for the site owner, and the visible state for the visitor.
    function fail(reason, message) {
      if (problem === reason) return;
      problem = reason;
      cfg.host.setAttribute('data-state', 'unavailable');
      cfg.host.setAttribute('data-reason', reason);
      if (reason === 'unreachable') {
        console.warn('[livechat] The chat server ' + server.origin + ' cannot be reached: check that it runs and ' +
          'that this page may connect to it (Content-Security-Policy connect-src, docs/embedding.md). ' +
          'The widget keeps trying.');
      } else {
        clearTimeout(timer);
        console.error('[livechat] The chat widget cannot start: ' + message + ' (docs/embedding.md).');
      }
      render();
    }
    // The socket did not open: ask the server why (a plain CORS request; no cookies).
    function diagnose() {
      if (checking) return;
      checking = true;
      fetch(server.origin + '/api/embed/' + encodeURIComponent(cfg.playbook), { credentials: 'omit', cache: 'no-store' })
        .then(function (r) {
          return r.json().then(function (j) {
            checking = false;
            var message = j && j.error && j.error.message;
            if (r.status === 404) fail('unknown-playbook', message);
            else if (r.status === 403) fail('site-not-allowed', message);
          });
        }, function () {
          checking = false;
          fail('unreachable');
        });
    }

    // Calls the widget and carries out its answer: sends its frames (dropped while the socket is
    // not open: the widget's outbox resends them after the next welcome), paints its view.
    // For a visitor action (`action` set) the refusal becomes the notice ("" when accepted).
    var view = null;
    function step(f, args, action) {
      var a = JSON.parse(call(f, true, args));
      if (action) local = a.problem;
      a.send.forEach(function (text) { if (ws && ws.readyState === 1) ws.send(text); });
      if (a.view) render(a.view);
    }
    function render(v) {
      v = v || view;
      if (!v) return;
      view = v;
      if (v.token && v.token !== last.token) store(keyToken, v.token);
      if (v.outbox !== last.outbox) store(keyOutbox, v.outbox || null);
      if (v.throttled && !resendTimer) {  // the server said "slow down": send the refused frames again
        resendTimer = setTimeout(function () { resendTimer = 0; step(_lc_resend); }, 1000);
      }
      el.title.textContent = v.title;
      el.av.textContent = (v.title || '?').charAt(0).toUpperCase();
      // available: at the welcome
      el.sub.textContent = problem ? T.unavailable : !v.online ? T.connecting : v.available ? T.online :
        v.back_at ? backAt(v.back_at) : '';
      if (v.log !== last.log) paintLog(v.log);  // built by the core's to_safe_html (view.cpp)
      var buttons = JSON.stringify(v.buttons);
      if (buttons !== lastButtons) {
        lastButtons = buttons;
        el.buttons.textContent = '';
        v.buttons.forEach(function (label, i) {
          var b = doc.createElement('button');
          b.type = 'button';
          b.textContent = label;
          b.onclick = function () { act(_lc_press, [i, rid()]); };
          el.buttons.appendChild(b);
        });
        if (open && v.buttons.length) el.buttons.firstChild.focus();
      }
      el.wait.hidden = !v.waiting;
      if (v.typing !== last.typing) {  // "<bdi>name</bdi> is typing": as view.cpp's name_then()
        el.typing.textContent = '';
        if (v.typing) {
          var who = doc.createElement('bdi');
          who.textContent = v.typing;
          el.typing.append(who, T.typing);
        }
      }
      el.notice.textContent = problem === 'unreachable' ? T.unreachable : problem ? T.not_here : local || v.notice;
      el.form.hidden = !v.input;
      el.input.placeholder = v.field && v.kind === 'capture' ? T[v.field] || T.write : T.write;
      el.input.setAttribute('aria-label', el.input.placeholder);
      el.end.hidden = !v.ended;
      if (v.input && !last.input && open) el.input.focus();
      if (v.ended && !last.ended && open) el.again.focus();
      last = v;
    }
    // "Back Monday at 9:00": when the team is next in (UTC ms from the server), in the browser's time
    // zone and the widget's language; "today"/"tomorrow" by the visitor's calendar, the date too
    // when it is a week or more away.
    function backAt(ms) {
      var when = new Date(ms), now = new Date();
      var midnight = function (d) { return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(); };
      var days = Math.round((midnight(when) - midnight(now)) / 864e5);
      var day = when.toLocaleDateString(cfg.lang, days < 7 ? { weekday: 'long' } :
        { weekday: 'long', day: 'numeric', month: 'long' });
      var time = when.toLocaleTimeString(cfg.lang, { hour: 'numeric', minute: '2-digit' });
      return (days <= 0 ? T.back_today : days === 1 ? T.back_tomorrow : T.back_day)
        .replace('{day}', day).replace('{time}', time);
    }
    // A visitor action: true when accepted, else its reason is shown (the input is kept).
    function act(f, args) {
      step(f, args, true);
      return !local;
    }
    function connect() {
      clearTimeout(timer);
      if (problem && problem !== 'unreachable') return;
      var url = (server.protocol === 'https:' ? 'wss://' : 'ws://') + server.host + '/ws/visitor?playbook=' +
        encodeURIComponent(cfg.playbook);
      var opened = false;
      try { ws = new WebSocket(url); } catch (e) { diagnose(); return retry(); }
      ws.onopen = function () {
        opened = everOpened = true;
        attempt = failures = 0;
        if (problem) {
          problem = '';
          cfg.host.removeAttribute('data-state');
          cfg.host.removeAttribute('data-reason');
        }
        step(_lc_connected);
      };
      ws.onmessage = function (e) {
        if (typeof e.data === 'string') step(_lc_frame, [e.data]);
      };
      ws.onclose = function () {
        ws = null;
        // Never opened on this page, or a drop that outlasts three tries: find out why.
        if (!opened && (!everOpened || ++failures >= 3)) diagnose();
        step(_lc_disconnected);
        retry();
      };
    }
    // Reconnect with exponential backoff and jitter: 0.5 s, 1 s, 2 s ... at most ~15 s.
    function retry() {
      clearTimeout(timer);
      if (problem && problem !== 'unreachable') return;
      var delay = Math.min(15000, 500 * Math.pow(2, attempt++)) * (0.5 + Math.random());
      timer = setTimeout(connect, delay);
    }
    function toggle(want) {
      open = want === undefined ? !open : !!want;
      panel.hidden = !open;
      cfg.launcher.setAttribute('aria-expanded', String(open));
      if (open) {
        act(_lc_open_chat, [rid()]);
        pinned = true;  // painted while hidden: show the newest
        follow();
        var target = !el.form.hidden ? el.input : el.buttons.firstChild || el.close;
        target.focus();
      } else {
        cfg.launcher.focus();
      }
    }

    el.close.onclick = function () { toggle(false); };
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.stopPropagation(); toggle(false); }
    });
    el.form.onsubmit = function (e) {
      e.preventDefault();
      if (act(_lc_submit, [el.input.value, rid()])) el.input.value = '';
    };
    el.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); el.form.requestSubmit(); }
    });
    el.input.addEventListener('input', function () {
      step(_lc_typing, [el.input.value ? 1 : 0]);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { step(_lc_typing, [0]); }, 3000);
    });
    el.log.addEventListener('click', function (e) {
      var b = e.target.closest && e.target.closest('[data-retry]');
      if (b) step(_lc_retry, [b.getAttribute('data-retry')]);
    });
    el.again.onclick = function () { act(_lc_new_chat, [rid()]); };
    pingTimer = setInterval(function () { step(_lc_ping); }, 25000);
    window.addEventListener('online', function () { if (!ws) connect(); });

    step(_lc_init, [cfg.playbook, cfg.lang, load(keyToken), load(keyOutbox)]);
    connect();
    return { toggle: toggle };
  }

  Module['mount'] = mount;
})();
