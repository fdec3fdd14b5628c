/* The embed snippet's script: <script src="<server>/widget/loader.js" data-playbook="ID" async>.
 * Plain JS, no build step. Paints the launcher button at once inside an open shadow root (no CSS
 * leaks either way), then loads the widget (widget.<hash>.js, which fetches widget.<hash>.wasm,
 * from the same folder) when the browser is idle, or on hover, focus or click. Never throws into
 * the host page. Styles go in as constructable stylesheets, so a strict Content-Security-Policy
 * needs no style-src for them (docs/embedding.md).
 * Language: data-lang="it" | "en" when set; else the first of the browser's languages
 * (navigator.languages) the widget speaks; else the page's lang; else English.
 * Maintenance reminder: widget_boot.js defines window.__livechatMount, called here; publish.mjs
 * writes the glue's content-hashed name into this file's one placeholder. */
(function () {
  'use strict';
  try {
    var me = document.currentScript;
    if (!me) {
      var all = document.querySelectorAll('script[data-playbook]');
      me = all[all.length - 1];
    }
    if (!me || me.getAttribute('data-lc-loaded')) return;
    me.setAttribute('data-lc-loaded', '1');
    var playbook = me.getAttribute('data-playbook') || '';
    if (!playbook) {
      console.error('[livechat] The chat widget cannot start: its <script> tag has no data-playbook attribute. ' +
        'Copy the snippet again from the dashboard (Chatbot playbooks > the playbook > Copy snippet).');
      return;
    }
    var base = me.src.replace(/[^/]*([?#].*)?$/, '');
    // The first of `tags` the widget speaks ("it", "en"), or "".
    var speaks = function (tags) {
      for (var i = 0; i < tags.length; i++) {
        var t = String(tags[i] || '').toLowerCase();
        if (/^(it|en)\b/.test(t)) return t.slice(0, 2);
      }
      return '';
    };
    var lang = speaks([me.getAttribute('data-lang')]) || speaks(navigator.languages || [navigator.language]) ||
      speaks([document.documentElement.lang]) || 'en';
    var label = lang === 'it' ? 'Apri la chat' : 'Open chat';
    // A constructable stylesheet where the browser has them (no CSP style-src needed), else <style>.
    var addStyle = function (root, css) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet);
      } catch (e) {
        var tag = document.createElement('style');
        tag.textContent = css;
        root.appendChild(tag);
      }
    };

    var host = document.createElement('div');
    host.setAttribute('data-livechat', playbook);
    host.style.cssText = 'all:initial!important;position:fixed!important;z-index:2147483000!important;' +
      'right:0!important;bottom:0!important;width:0!important;height:0!important;display:block!important';
    var root = host.attachShadow({ mode: 'open' });
    addStyle(root, '.launcher{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;' +
      'background:#1f4e79;color:#fff;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.3);display:flex;' +
      'align-items:center;justify-content:center;padding:0}.launcher:focus-visible{outline:3px solid #f2a900;' +
      'outline-offset:3px}.launcher svg{width:30px;height:30px;fill:currentColor}' +
      '@media (max-width:480px){.launcher{right:14px;bottom:14px}}');
    root.innerHTML = '<button type="button" class="launcher" aria-haspopup="dialog" aria-expanded="false">' +
      '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/>' +
      '</svg></button>';
    var launcher = root.querySelector('button');
    launcher.setAttribute('aria-label', label);

    var widget = null, loading = false, wantOpen = false, warned = false;
    function load() {
      if (loading) return;
      loading = true;
      var s = document.createElement('script');
      s.src = base + '__LIVECHAT_WIDGET_JS__';
      s.async = true;
      s.onload = function () {
        try {
          window.__livechatMount({ root: root, host: host, launcher: launcher, playbook: playbook, lang: lang,
            base: base, addStyle: function (css) { addStyle(root, css); } })
            .then(function (w) {
              widget = w;
              if (wantOpen) w.toggle(true);
            }, function () { loading = false; });
        } catch (e) { loading = false; }
      };
      s.onerror = function () {
        loading = false;
        if (!warned) console.warn('[livechat] The chat widget cannot be loaded from ' + base + ': the chat server ' +
          'cannot be reached. Check that it runs and that this page may load from it (docs/embedding.md).');
        warned = true;
      };
      document.head.appendChild(s);
    }
    launcher.addEventListener('click', function () {
      if (widget) return widget.toggle();
      wantOpen = true;
      load();
    });
    launcher.addEventListener('mouseenter', load);
    launcher.addEventListener('focus', load);

    var attach = function () {
      try {
        document.body.appendChild(host);
        if (window.requestIdleCallback) window.requestIdleCallback(load, { timeout: 4000 });
        else setTimeout(load, 1500);
      } catch (e) { /* never break the host page */ }
    };
    if (document.body) attach(); else document.addEventListener('DOMContentLoaded', attach);
  } catch (e) { /* never break the host page */ }
})();
