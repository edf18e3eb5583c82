// Data entry without a connection. An entry submitted while the phone is offline is kept on the
// phone (localStorage, under the person who typed it) and sent when the connection comes back;
// what the server refuses (the period locked, a value changed meanwhile) comes back to the person
// with the server's reason, never dropped. The words shown come from the page, in the reader's
// language (data-* attributes of #outbox). Without this script the page works as before, online.
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  var box = document.getElementById("outbox");
  var form = document.querySelector("form.entry");
  if (!box || !form) {
    return;
  }
  var KEY = "workspace-outbox";
  var words = box.dataset;
  var user = words.user;
  // Fields of the page as it is now, not of the page the entry was typed on.
  var NOT_RESTORED = /^(csrf_token|version_.*|draft|submit)$/;
  var sentHere = 0;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || [];
    } catch (error) {
      return [];
    }
  }

  function store(entries) {
    localStorage.setItem(KEY, JSON.stringify(entries));
  }

  function mine() {
    return load().filter(function (entry) { return entry.user === user; });
  }

  function change(id, fields) {
    store(load().map(function (entry) {
      return entry.id === id ? Object.assign({}, entry, fields) : entry;
    }));
  }

  function forget(id) {
    store(load().filter(function (entry) { return entry.id !== id; }));
  }

  function line(text, css) {
    var p = document.createElement("p");
    p.className = css;
    p.textContent = text;
    box.appendChild(p);
    return p;
  }

  function button(parent, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = label;
    b.addEventListener("click", onClick);
    parent.appendChild(document.createTextNode(" "));
    parent.appendChild(b);
  }

  // Puts a refused entry's typed values back into the form (the page's own versions and token stay).
  function restore(entry) {
    new URLSearchParams(entry.body).forEach(function (value, name) {
      var field = NOT_RESTORED.test(name) ? null : form.elements.namedItem(name);
      if (field && !field.disabled && field.type !== "hidden") {
        field.value = value;
      }
    });
    forget(entry.id);
    show();
    var first = form.querySelector("input:not([type=hidden]):not([disabled])");
    if (first) {
      first.focus();
    }
  }

  function show() {
    var entries = mine();
    var waiting = entries.filter(function (entry) { return entry.state === "waiting"; });
    var sent = entries.filter(function (entry) { return entry.state === "sent"; });
    box.replaceChildren();
    if (waiting.length) {
      line(words.waiting.replace("{n}", waiting.length) + " " + (loggedOut ? words.login : navigator.onLine ? "" : words.offline),
           "flash flash-info");
    }
    if (sent.length) {
      // Said on this page only: after it, the values shown are what the server holds.
      sentHere += sent.length;
      store(load().filter(function (entry) { return !(entry.user === user && entry.state === "sent"); }));
    }
    if (sentHere) {
      line(words.sent.replace("{n}", sentHere), "flash flash-success");
    }
    entries.filter(function (entry) { return entry.state === "attention"; }).forEach(function (entry) {
      var p = line(words.attention.replace("{title}", entry.title).replace("{reason}", entry.reason),
                   "flash flash-warning");
      if (entry.url === form.action) {
        button(p, words.restore, function () { restore(entry); });
      }
      button(p, words.discard, function () { forget(entry.id); show(); });
    });
    box.hidden = !box.childElementCount;
  }

  // The server's reason, from the page it answered with.
  function reasonOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = Array.prototype.map.call(page.querySelectorAll(".form-errors p, p.error, .flash-error"),
                                         function (node) { return node.textContent.trim(); });
    found = found.filter(Boolean);
    if (!found.length) {  // a page of its own (a conflict, an error): its heading says what happened
      var heading = page.querySelector("main h1, h1");
      return heading ? heading.textContent.trim() : "";
    }
    return found.join(" ");
  }

  var sending = false;
  var loggedOut = false;

  async function send() {
    if (sending || !navigator.onLine) {
      return;
    }
    sending = true;
    var token = form.querySelector("input[name=csrf_token]");
    var sentAny = false;
    var waiting = mine().filter(function (entry) { return entry.state === "waiting"; });
    for (var i = 0; i < waiting.length; i++) {
      var entry = waiting[i];
      var body = new URLSearchParams(entry.body);
      if (token) {
        body.set("csrf_token", token.value);  // this login's token: the one typed with may have expired
      }
      var response;
      try {
        response = await fetch(entry.url, { method: "POST", body: body, credentials: "same-origin" });
      } catch (error) {
        break;  // still no connection: tried again when it comes back
      }
      if (response.redirected && new URL(response.url).pathname === "/login") {
        loggedOut = true;  // kept waiting: sent once the person has logged in again
        break;
      }
      if (response.ok) {
        change(entry.id, { state: "sent" });
        sentAny = true;
      } else {
        change(entry.id, { state: "attention", reason: reasonOf(await response.text()) || words.refused });
      }
    }
    sending = false;
    if (sentAny) {
      location.reload();  // the values, their states and versions as the server now holds them
    } else {
      show();
    }
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) {
      return;  // sent as always
    }
    event.preventDefault();
    var entries = load();
    entries.push({
      id: Date.now().toString(36) + Math.random().toString(36).slice(2),
      user: user,
      url: form.action,
      title: words.title,
      body: new URLSearchParams(new FormData(form, event.submitter)).toString(),
      state: "waiting",
      reason: "",
    });
    store(entries);
    show();
    box.scrollIntoView({ block: "nearest" });
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  show();
  send();
})();
