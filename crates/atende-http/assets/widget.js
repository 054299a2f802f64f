/*! Atende web-chat widget. One tag embeds it:
 *  <script src="https://atende.example.com/widget.js" data-atende-token="wct_…" async></script>
 * Optional data attributes: data-atende-lang (pt-BR, en, es), data-atende-open ("true": open on
 * load), data-atende-color (#0b7a5c), data-atende-api (the server, default: this script's origin).
 * No dependencies; renders in a Shadow DOM; user text only ever goes through textContent. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-atende-token]");
  if (!script || window.__atendeWidget) return;
  window.__atendeWidget = true;
  var ds = script.dataset;
  var token = ds.atendeToken;
  if (!token) return;
  var api = (ds.atendeApi || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var color = /^#[0-9a-fA-F]{3,8}$/.test(ds.atendeColor || "") ? ds.atendeColor : "#0b7a5c";

  var STRINGS = {
    pt: {
      open: "Abrir o chat", close: "Fechar o chat", title: "Fale conosco", send: "Enviar",
      placeholder: "Escreva uma mensagem…", emoji: "Emojis", attach: "Anexar arquivo",
      typing: "digitando…", name: "Nome", email: "E-mail", phone: "Telefone (WhatsApp)",
      start: "Iniciar conversa", preChat: "Antes de começar, como podemos falar com você?",
      needContact: "Informe seu nome e um e-mail ou telefone.", failed: "Não enviada. Toque para tentar de novo.",
      resolved: "Conversa encerrada. Escreva para abrir outra.", offline: "Reconectando…",
      error: "Algo deu errado. Tente de novo.", tooBig: "Arquivo grande demais.", messages: "Mensagens",
      unread: "mensagens novas", file: "Arquivo"
    },
    en: {
      open: "Open chat", close: "Close chat", title: "Chat with us", send: "Send",
      placeholder: "Write a message…", emoji: "Emoji", attach: "Attach a file",
      typing: "typing…", name: "Name", email: "E-mail", phone: "Phone (WhatsApp)",
      start: "Start chatting", preChat: "Before we start, how can we reach you?",
      needContact: "Tell us your name and an e-mail or phone.", failed: "Not sent. Tap to retry.",
      resolved: "Conversation closed. Write to start a new one.", offline: "Reconnecting…",
      error: "Something went wrong. Try again.", tooBig: "The file is too large.", messages: "Messages",
      unread: "new messages", file: "File"
    },
    es: {
      open: "Abrir el chat", close: "Cerrar el chat", title: "Habla con nosotros", send: "Enviar",
      placeholder: "Escribe un mensaje…", emoji: "Emojis", attach: "Adjuntar archivo",
      typing: "escribiendo…", name: "Nombre", email: "Correo", phone: "Teléfono (WhatsApp)",
      start: "Iniciar conversación", preChat: "Antes de empezar, ¿cómo podemos contactarte?",
      needContact: "Indica tu nombre y un correo o teléfono.", failed: "No enviado. Toca para reintentar.",
      resolved: "Conversación cerrada. Escribe para abrir otra.", offline: "Reconectando…",
      error: "Algo salió mal. Inténtalo de nuevo.", tooBig: "El archivo es demasiado grande.", messages: "Mensajes",
      unread: "mensajes nuevos", file: "Archivo"
    }
  };
  var lang = (ds.atendeLang || navigator.language || "pt").slice(0, 2).toLowerCase();
  var T = STRINGS[lang] || STRINGS.pt;
  var EMOJI = "😀 😂 😊 😍 😉 🙂 🤔 😢 😮 😅 🙏 👍 👎 👏 🙌 💪 👋 ❤️ 🎉 ✅ ❌ ⭐ 🔥 📦".split(" ");

  var CSS =
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".launcher{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}" +
    ".launcher svg{width:28px;height:28px;fill:currentColor}.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#d92d20;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}" +
    ".panel{position:fixed;right:20px;bottom:92px;width:370px;height:min(600px,calc(100vh - 112px));background:#fff;color:#111;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001;font-size:15px}" +
    ".panel[hidden],.badge[hidden],[hidden]{display:none!important}" +
    "header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between}header h2{margin:0;font-size:16px;font-weight:600}" +
    "button{font:inherit}.icon{background:none;border:0;color:inherit;cursor:pointer;padding:6px;border-radius:6px;font-size:18px;line-height:1}.icon:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid #1570ef;outline-offset:2px}" +
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f4f5f7;display:flex;flex-direction:column;gap:6px}" +
    ".msg{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word;line-height:1.35}" +
    ".agent{align-self:flex-start;background:#fff;border:1px solid #e3e5e8}.visitor{align-self:flex-end;background:var(--c);color:#fff}" +
    ".msg img{max-width:100%;border-radius:8px;display:block}.msg a{color:inherit}.msg.failed{opacity:.6;cursor:pointer}.msg.pending{opacity:.7}" +
    ".note{align-self:center;font-size:13px;color:#555;text-align:center}.typing{align-self:flex-start;font-size:13px;color:#555;font-style:italic}" +
    ".bar{display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid #e3e5e8;background:#fff;color:#444}" +
    // A textarea keeps the UA's monospace font and a 20-column minimum width, and wraps its
    // placeholder onto a hidden second line: the font is inherited, the box may shrink, and
    // the placeholder stays on one line (ellipsis when the panel is narrow).
    "textarea{flex:1;min-width:0;box-sizing:border-box;resize:none;border:1px solid #d0d5dd;border-radius:10px;padding:9px;font:inherit;font-size:15px;line-height:20px;max-height:120px;min-height:40px}" +
    "textarea::placeholder{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#667085;opacity:1}" +
    ".send{background:var(--c);color:#fff;border:0;border-radius:10px;padding:10px 14px;cursor:pointer}" +
    ".emojis{display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:6px;border-top:1px solid #e3e5e8;background:#fff}.emojis button{background:none;border:0;font-size:20px;cursor:pointer;padding:4px;border-radius:6px}.emojis button:hover{background:#f0f1f3}" +
    "form.pre{padding:16px;display:flex;flex-direction:column;gap:10px;overflow-y:auto;flex:1}form.pre label{font-size:13px;color:#333;display:flex;flex-direction:column;gap:4px}form.pre input{border:1px solid #d0d5dd;border-radius:8px;padding:9px;font-size:15px}" +
    ".err{color:#b42318;font-size:13px}.status{font-size:12px;text-align:center;background:#fffaeb;color:#93370d;padding:3px}" +
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100%;border-radius:0}.launcher{right:14px;bottom:14px}}";

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  var KEY = "atende:" + token;
  var store = {
    get: function () { try { return localStorage.getItem(KEY); } catch (e) { return null; } },
    set: function (v) { try { v ? localStorage.setItem(KEY, v) : localStorage.removeItem(KEY); } catch (e) { /* private mode */ } }
  };

  var host = el("div", { id: "atende-widget" });
  var root = host.attachShadow({ mode: "open" });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.appendChild(el("style", { text: CSS }));
  }

  var state = { visitor: store.get(), session: null, open: false, unread: 0, ids: {}, stream: null, backoff: 1000, typingTimer: 0, lastTyping: 0, idleTimer: 0 };

  var badge = el("span", { "class": "badge", hidden: "", "aria-hidden": "true" });
  var launcher = el("button", { "class": "launcher", type: "button", "aria-label": T.open, "aria-expanded": "false", "aria-controls": "atende-panel", onclick: function () { toggle(); } });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  launcher.appendChild(badge);
  var title = el("h2", { id: "atende-title", text: T.title });
  var statusLine = el("div", { "class": "status", hidden: "", role: "status", text: T.offline });
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": T.messages, tabindex: "0" });
  var typingEl = el("div", { "class": "typing", hidden: "", text: T.typing });
  var input = el("textarea", { rows: "1", placeholder: T.placeholder, "aria-label": T.placeholder, maxlength: "4096" });
  var file = el("input", { type: "file", hidden: "", accept: "image/*,audio/*,video/mp4,application/pdf,text/plain", "aria-hidden": "true", tabindex: "-1" });
  var emojis = el("div", { "class": "emojis", hidden: "", role: "group", "aria-label": T.emoji });
  EMOJI.forEach(function (em) {
    emojis.appendChild(el("button", { type: "button", text: em, "aria-label": em, onclick: function () { insert(em); } }));
  });
  var emojiBtn = el("button", { "class": "icon", type: "button", "aria-label": T.emoji, "aria-expanded": "false", text: "😊", onclick: function () {
    var show = emojis.hidden;
    emojis.hidden = !show;
    emojiBtn.setAttribute("aria-expanded", String(show));
  } });
  var attachBtn = el("button", { "class": "icon", type: "button", "aria-label": T.attach, text: "📎", onclick: function () { file.click(); } });
  var sendBtn = el("button", { "class": "send", type: "submit", text: T.send });
  var bar = el("form", { "class": "bar", onsubmit: function (e) { e.preventDefault(); sendText(); } }, [emojiBtn, attachBtn, input, file, sendBtn]);
  var chat = el("div", { hidden: "" }, []);
  chat.style.cssText = "display:flex;flex-direction:column;flex:1;min-height:0";
  [statusLine, log, emojis, bar].forEach(function (n) { chat.appendChild(n); });
  log.appendChild(typingEl);
  var pre = preChatForm();
  var panel = el("div", { "class": "panel", id: "atende-panel", role: "dialog", "aria-labelledby": "atende-title", hidden: "" }, [
    el("header", {}, [title, el("button", { "class": "icon", type: "button", "aria-label": T.close, text: "✕", onclick: function () { toggle(false); } })]),
    pre, chat
  ]);
  panel.style.setProperty("--c", color);
  launcher.style.setProperty("--c", color);
  root.appendChild(launcher);
  root.appendChild(panel);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); sendText(); }
  });
  input.addEventListener("input", typingOn);
  file.addEventListener("change", function () { if (file.files[0]) sendFile(file.files[0]); file.value = ""; });

  function preChatForm() {
    var err = el("div", { "class": "err", role: "alert" });
    var f = el("form", { "class": "pre", hidden: "", novalidate: "" }, [
      el("p", { text: T.preChat }),
      el("label", {}, [document.createTextNode(T.name), el("input", { name: "name", autocomplete: "name", required: "" })]),
      el("label", {}, [document.createTextNode(T.email), el("input", { name: "email", type: "email", autocomplete: "email" })]),
      el("label", {}, [document.createTextNode(T.phone), el("input", { name: "phone", type: "tel", autocomplete: "tel" })]),
      err,
      el("button", { "class": "send", type: "submit", text: T.start })
    ]);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var v = { name: f.elements.name.value.trim(), email: f.elements.email.value.trim(), phone: f.elements.phone.value.trim() };
      if (!v.name || !(v.email || v.phone)) { err.textContent = T.needContact; return; }
      err.textContent = "";
      startSession(v).then(showChat, function (x) { err.textContent = (x && x.message) || T.error; });
    });
    return f;
  }

  function request(method, path, body, isForm) {
    var headers = {};
    if (state.visitor) headers.Authorization = "Bearer " + state.visitor;
    if (body && !isForm) headers["Content-Type"] = "application/json";
    return fetch(api + "/api/v1/widget/" + path, {
      method: method, headers: headers, mode: "cors", credentials: "omit",
      body: body ? (isForm ? body : JSON.stringify(body)) : undefined
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok) return j;
        var e = new Error((j.error && j.error.message) || T.error);
        e.status = r.status;
        e.code = j.error && j.error.code;
        if (r.status === 401 && path !== "sessions") { state.visitor = null; store.set(null); }
        throw e;
      });
    });
  }

  function startSession(extra) {
    var body = { token: token };
    if (state.visitor) body.visitor_token = state.visitor;
    for (var k in extra || {}) if (extra[k]) body[k] = extra[k];
    return request("POST", "sessions", body).then(function (s) {
      state.session = s;
      state.visitor = s.visitor_token;
      store.set(s.visitor_token);
      title.textContent = s.channel.name || T.title;
      return s;
    }, function (e) {
      if (e.status === 401 && state.visitor) { state.visitor = null; store.set(null); return startSession(extra); }
      throw e;
    });
  }

  function toggle(force) {
    state.open = force === undefined ? !state.open : force;
    panel.hidden = !state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
    launcher.setAttribute("aria-label", state.open ? T.close : T.open);
    if (!state.open) { launcher.focus(); return; }
    state.unread = 0;
    badge.hidden = true;
    var ready = state.session ? Promise.resolve(state.session) : startSession();
    ready.then(function (s) {
      if (s.channel.pre_chat_form && !s.profile) { pre.hidden = false; chat.hidden = true; pre.elements.name.focus(); }
      else showChat();
    }, function () { note(T.error); chat.hidden = false; });
  }

  function showChat() {
    pre.hidden = true;
    chat.hidden = false;
    // The greeting is an invitation while the thread is empty; once the visitor writes, the
    // server stores it as a message of the new conversation, and that one replaces this.
    if (!state.greeted && state.session && state.session.channel.greeting) {
      state.greeted = true;
      state.invite = el("div", { "class": "msg agent", text: state.session.channel.greeting });
      log.insertBefore(state.invite, log.firstChild);
    }
    input.focus();
    refresh();
    connect();
  }

  function note(text) { log.insertBefore(el("div", { "class": "note", text: text }), typingEl); scroll(); }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function bubble(m) {
    if (state.invite && m.from !== "visitor") { state.invite.remove(); state.invite = null; }
    var key = m.client_id || m.id;
    var node = state.ids[m.id] || (m.client_id && state.ids[m.client_id]);
    var fresh = !node;
    if (fresh) node = el("div", {});
    node.className = "msg " + (m.from === "visitor" ? "visitor" : "agent") + (m.failed ? " failed" : m.pending ? " pending" : "");
    node.textContent = "";
    var media = m.media;
    if (media && media.url) {
      var url = /^https?:/.test(media.url) ? media.url : api + media.url;
      if (/^image\//.test(media.mime || "")) node.appendChild(el("img", { src: url, alt: media.file_name || T.file, loading: "lazy" }));
      else node.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: "📄 " + (media.file_name || T.file) }));
    } else if (media && media.file_name) {
      node.appendChild(document.createTextNode("📄 " + media.file_name));
    }
    if (m.body) node.appendChild(document.createTextNode((node.firstChild ? "\n" : "") + m.body));
    if (m.failed) node.title = T.failed;
    state.ids[m.id] = node;
    if (key) state.ids[key] = node;
    if (fresh) { log.insertBefore(node, typingEl); scroll(); }
    return node;
  }

  function refresh() {
    if (!state.visitor) return;
    request("GET", "messages?limit=50").then(function (page) {
      page.items.slice().reverse().forEach(bubble);
      showStatus(page.conversation);
    }, function () { /* the stream will retry */ });
  }

  function showStatus(c) {
    if (c && c.status === "resolved" && state.lastStatus && state.lastStatus !== "resolved") note(T.resolved);
    if (c) state.lastStatus = c.status;
  }

  function onEvent(name, data) {
    if (name === "ready") { state.backoff = 1000; statusLine.hidden = true; refresh(); return; }
    if (name === "resync") { refresh(); return; }
    if (name === "typing") {
      typingEl.hidden = !data.on;
      clearTimeout(state.typingTimer);
      if (data.on) { state.typingTimer = setTimeout(function () { typingEl.hidden = true; }, 8000); scroll(); }
      return;
    }
    if (name === "conversation") { showStatus(data); return; }
    if (name === "message") {
      var known = state.ids[data.id] || (data.client_id && state.ids[data.client_id]);
      bubble(data);
      if (data.from === "agent") typingEl.hidden = true;
      if (!known && data.from === "agent" && !state.open) {
        state.unread++;
        badge.textContent = String(state.unread);
        badge.hidden = false;
        launcher.setAttribute("aria-label", T.open + " (" + state.unread + " " + T.unread + ")");
      }
    }
  }

  // Server-Sent Events over fetch(), so the visitor token goes in a header, never the URL.
  function connect() {
    if (state.stream || !state.visitor) return;
    var ctl = new AbortController();
    state.stream = ctl;
    fetch(api + "/api/v1/widget/stream", {
      headers: { Authorization: "Bearer " + state.visitor, Accept: "text/event-stream" },
      signal: ctl.signal, mode: "cors", credentials: "omit", cache: "no-store"
    }).then(function (r) {
      if (r.status === 401) { state.visitor = null; store.set(null); throw new Error("401"); }
      if (!r.ok || !r.body) throw new Error(String(r.status));
      var reader = r.body.getReader();
      var dec = new TextDecoder();
      var buf = "";
      function pump() {
        return reader.read().then(function (x) {
          if (x.done) return;
          buf += dec.decode(x.value, { stream: true }).replace(/\r\n/g, "\n");
          var i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            var block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            var name = "message", data = "";
            block.split("\n").forEach(function (line) {
              if (line.indexOf("event:") === 0) name = line.slice(6).trim();
              else if (line.indexOf("data:") === 0) data += line.slice(5).replace(/^ /, "");
            });
            if (data) { try { onEvent(name, JSON.parse(data)); } catch (e) { /* a bad event is skipped */ } }
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () { /* reconnect below */ }).then(function () {
      state.stream = null;
      if (ctl.signal.aborted) return;
      statusLine.hidden = false;
      var wait = state.backoff;
      state.backoff = Math.min(state.backoff * 2, 30000);
      setTimeout(function () {
        (state.visitor ? Promise.resolve() : startSession()).then(connect, connect);
      }, wait + Math.random() * 500);
    });
  }

  function uid() { return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  function post(m, body) {
    m.pending = true; m.failed = false;
    var node = bubble(m);
    body.client_id = m.client_id;
    request("POST", "messages", body).then(function (saved) {
      saved.pending = false;
      bubble(saved);
      connect();
    }, function () {
      m.pending = false; m.failed = true;
      bubble(m);
      node.onclick = function () { node.onclick = null; post(m, body); };
    });
  }

  function sendText() {
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    emojis.hidden = true;
    typingOff();
    var cid = uid();
    post({ id: cid, client_id: cid, from: "visitor", body: text }, { body: text });
  }

  function sendFile(f) {
    if (f.size > 10 * 1024 * 1024) { note(T.tooBig); return; }
    var cid = uid();
    var m = { id: cid, client_id: cid, from: "visitor", media: { file_name: f.name }, pending: true };
    bubble(m);
    var form = new FormData();
    form.append("file", f, f.name);
    request("POST", "uploads", form, true).then(function (a) {
      post(m, { attachment_id: a.attachment_id });
    }, function (e) {
      m.pending = false; m.failed = true;
      bubble(m);
      note(e.status === 413 ? T.tooBig : e.message);
    });
  }

  function insert(em) {
    var s = input.selectionStart || input.value.length, e = input.selectionEnd || s;
    input.value = input.value.slice(0, s) + em + input.value.slice(e);
    input.focus();
    input.selectionStart = input.selectionEnd = s + em.length;
  }

  function typingOn() {
    var now = Date.now();
    if (now - state.lastTyping > 3000 && state.session && state.session.conversation !== undefined) {
      state.lastTyping = now;
      request("POST", "typing", { on: true }).catch(function () {});
    }
    clearTimeout(state.idleTimer);
    state.idleTimer = setTimeout(typingOff, 4000);
  }

  function typingOff() {
    clearTimeout(state.idleTimer);
    if (!state.lastTyping) return;
    state.lastTyping = 0;
    request("POST", "typing", { on: false }).catch(function () {});
  }

  function mount() {
    document.body.appendChild(host);
    // A returning visitor gets agent replies (and the unread badge) without opening the panel.
    if (state.visitor) startSession().then(function (s) { if (s.conversation) { refresh(); connect(); } }, function () {});
    if (ds.atendeOpen === "true") toggle(true);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
