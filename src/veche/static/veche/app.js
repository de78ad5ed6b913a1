// The installable app on every page (docs/architecture.md "The installable app"): registers the
// service worker, says when a page is the device's copy, refills the form tokens that the worker
// blanks on kept pages, and keeps the outbox: reports written without a connection, kept on the
// device (IndexedDB) and sent once the connection returns, each with an Idempotency-Key made here
// so that a report sent twice (a lost answer, two tabs) is filed once. Every page works without it.
(function () {
  "use strict";
  var DB_NAME = "veche-device";
  var STORE = "outbox";
  var LAST_ACCOUNT = "veche-account";
  var body = document.body;
  var lang = document.documentElement.lang || "ru";

  // The account the last page online was shown to: the device's pages say "anonymous", so the
  // outbox page reads whose reports to show from here when there is no connection to ask.
  function account() {
    var mine = body.dataset.account;
    if (mine && !body.hasAttribute("data-saved-at")) {
      try { localStorage.setItem(LAST_ACCOUNT, mine); } catch (e) { /* private mode */ }
      return mine;
    }
    try { return localStorage.getItem(LAST_ACCOUNT) || mine || ""; } catch (e) { return mine || ""; }
  }

  function plural(el, n) {
    // el has data-n1, data-n2, data-n5: the forms for 1, 2 and 5 with "{n}" for the number.
    var rules = new Intl.PluralRules(lang);
    var wanted = rules.select(n);
    var forms = ["n1", "n2", "n5"];
    for (var i = 0; i < forms.length; i++) {
      var sample = parseInt(forms[i].slice(1), 10);
      if (rules.select(sample) === wanted && el.dataset[forms[i]]) {
        return el.dataset[forms[i]].replace("{n}", String(n));
      }
    }
    return el.dataset.n5.replace("{n}", String(n));
  }

  // The device's store ------------------------------------------------------------------------
  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function all() { return run("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return run("readwrite", function (store) { store.put(item); }); }
  function remove(key) { return run("readwrite", function (store) { store.delete(key); }); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Sending --------------------------------------------------------------------------------------
  function session() {
    return fetch(body.dataset.session, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) { throw new Error("session " + response.status); } return response.json(); });
  }

  function why(answer) {
    var error = (answer && answer.error) || {};
    var parts = [error.message || ""];
    var fields = error.fields || {};
    Object.keys(fields).forEach(function (name) { parts.push(fields[name].join(" ")); });
    return parts.filter(Boolean).join(" ");
  }

  function sendOne(item, token) {
    var data = new FormData();
    Object.keys(item.fields).forEach(function (name) { data.append(name, item.fields[name]); });
    (item.photos || []).forEach(function (photo, i) { data.append("photos", photo, (item.names || [])[i] || "photo.jpg"); });
    item.state = "sending";
    return put(item).then(function () {
      return fetch(item.endpoint, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Idempotency-Key": item.key, "Accept": "application/json" }
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 201 || response.status === 200) {
          item.state = "sent";
          item.url = answer.url || "";
          item.sentAt = new Date().toISOString();
          item.photos = [];  // the server has them now; the device's room is the phone's
          item.reason = "";
          if (item.url && navigator.serviceWorker && navigator.serviceWorker.controller) {
            navigator.serviceWorker.controller.postMessage({ type: "keep", urls: [item.url] });
          }
        } else if (response.status === 401 || response.status === 409 || response.status === 429 || response.status >= 500) {
          // Not signed in, the same report still being filed, too many at once, the server's trouble:
          // it waits and goes again.
          item.state = "waiting";
          item.reason = response.status === 401 ? "signin" : "";
        } else {
          item.state = "refused";
          item.reason = why(answer) || String(response.status);
        }
        return put(item);
      });
    }, function () {
      item.state = "waiting";
      return put(item);
    });
  }

  var flushing = null;
  function flush() {
    if (!navigator.onLine || !body.dataset.session) { return Promise.resolve(); }
    if (flushing) { return flushing; }
    var work = function () {
      return all().then(function (items) {
        var pending = items.filter(function (item) { return item.state === "waiting" || item.state === "sending"; });
        // Nothing waits on the device (nearly every page view): no request at all.
        if (!pending.length) { return null; }
        return session().then(function (now) {
          var mine = pending.filter(function (item) { return item.account === now.account; })
            .sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
          return mine.reduce(function (chain, item) {
            return chain.then(function () { return sendOne(item, now.csrf); });
          }, Promise.resolve());
        });
      }).catch(function () { /* offline again, or the server away: the next chance tries */ });
    };
    // Two tabs flushing at once would send twice; the key makes that harmless, the lock makes it rare.
    var locked = navigator.locks ? navigator.locks.request("veche-outbox", work) : work();
    flushing = locked.then(show, show).then(function () { flushing = null; });
    return flushing;
  }

  function add(item) {
    item.key = item.key || newKey();
    item.account = account();
    item.state = "waiting";
    item.createdAt = new Date().toISOString();
    return put(item).then(function () { show(); flush(); return item; });
  }

  // Showing -------------------------------------------------------------------------------------
  function show() {
    return all().then(function (items) {
      var who = account();
      var mine = items.filter(function (item) { return item.account === who; });
      var waiting = mine.filter(function (item) { return item.state !== "sent" && item.state !== "refused"; }).length;
      var status = document.getElementById("outbox-status");
      if (status) {
        var link = status.querySelector("a");
        status.hidden = waiting === 0 || !link;
        if (link && waiting) { link.textContent = plural(link, waiting); }
      }
      renderList(mine);
      var others = document.getElementById("outbox-others");
      if (others) {
        var theirs = items.filter(function (item) {
          return item.account !== who && (item.state === "waiting" || item.state === "sending");
        }).length;
        others.hidden = theirs === 0;
        if (theirs) { others.textContent = plural(others, theirs); }
      }
    }).catch(function () { /* no IndexedDB here: nothing kept to show */ });
  }

  function renderList(items) {
    var list = document.getElementById("outbox-list");
    if (!list) { return; }
    var d = list.dataset;
    list.textContent = "";
    document.getElementById("outbox-empty").hidden = items.length > 0;
    items.sort(function (a, b) { return a.createdAt < b.createdAt ? 1 : -1; }).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card outbox-item outbox-" + item.state;
      li.dataset.key = item.key;
      var title = document.createElement("strong");
      title.textContent = item.title || item.fields.description.slice(0, 80);
      li.appendChild(title);
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = new Date(item.createdAt).toLocaleString(lang);
      li.appendChild(when);
      var state = document.createElement("span");
      state.className = "outbox-state";
      state.setAttribute("role", "status");
      var words = { waiting: d.waiting, sending: d.sending, sent: d.sent, refused: d.refused };
      state.textContent = words[item.state] || d.waiting;
      if (item.state === "refused") { state.textContent += " " + item.reason; }
      if (item.state === "waiting" && item.reason === "signin") { state.textContent += " " + d.signin; }
      li.appendChild(state);
      if (item.photos && item.photos.length) {
        var photos = document.createElement("span");
        photos.className = "muted";
        photos.textContent = d.photos.replace("{n}", String(item.photos.length));
        li.appendChild(photos);
      }
      var row = document.createElement("div");
      row.className = "button-row";
      if (item.state === "sent" && item.url) {
        var open = document.createElement("a");
        open.href = item.url;
        open.textContent = d.open;
        row.appendChild(open);
      }
      if (item.state === "waiting") {
        var again = document.createElement("button");
        again.type = "button";
        again.className = "secondary";
        again.textContent = d.send;
        again.addEventListener("click", flush);
        row.appendChild(again);
      }
      if (item.state !== "sending") {
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "secondary";
        drop.textContent = item.state === "sent" ? d.hide : d.discard;
        drop.addEventListener("click", function () {
          if (item.state !== "sent" && !window.confirm(d.confirm)) { return; }
          remove(item.key).then(show);
        });
        row.appendChild(drop);
      }
      li.appendChild(row);
      list.appendChild(li);
    });
  }

  // Form tokens on a kept page --------------------------------------------------------------------
  function blankTokens() {
    return Array.prototype.filter.call(
      document.querySelectorAll("input[name=csrfmiddlewaretoken]"), function (input) { return !input.value; });
  }
  function refill() {
    if (!blankTokens().length && body.getAttribute("hx-headers").indexOf('""') < 0) { return Promise.resolve(); }
    return session().then(function (now) {
      blankTokens().forEach(function (input) { input.value = now.csrf; });
      body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": now.csrf }));
      return now;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (event.defaultPrevented || !token || token.value) { return; }
    // A form of a page kept on the device: its token was blanked; get this session's, then send.
    event.preventDefault();
    var submitter = event.submitter;
    refill().then(function () {
      if (submitter && submitter.name) {
        var carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = submitter.name;
        carried.value = submitter.value;
        form.appendChild(carried);
      }
      form.submit();
    }, function () {
      var banner = document.getElementById("offline-copy");
      if (banner) { banner.hidden = false; banner.focus && banner.focus(); }
    });
  });

  function copyBanner() {
    var saved = body.getAttribute("data-saved-at");
    var banner = document.getElementById("offline-copy");
    if (!banner || !body.hasAttribute("data-offline-copy") || !saved) { return; }
    var date = new Date(saved).toLocaleString(lang, { dateStyle: "long", timeStyle: "short" });
    banner.textContent = banner.dataset.text.replace("{date}", date);
    banner.hidden = false;
  }

  // Reports listed on a page the person opened (their activity): kept for offline too.
  function keepListed() {
    var links = document.querySelectorAll("a[data-offline-keep]");
    if (!links.length || !navigator.serviceWorker || !navigator.serviceWorker.controller || body.hasAttribute("data-offline-copy")) { return; }
    navigator.serviceWorker.controller.postMessage({
      type: "keep", urls: Array.prototype.map.call(links, function (a) { return a.getAttribute("href"); })
    });
  }

  window.VecheOutbox = { add: add, flush: flush, all: all, show: show, account: account };

  // A report form sent online: its draft goes once another page follows (the report, filed); the
  // same form shown again (refused, or asking about reports nearby) keeps it.
  function settleDraft() {
    try {
      var sent = JSON.parse(sessionStorage.getItem("veche-draft-sent") || "null");
      if (!sent) { return; }
      sessionStorage.removeItem("veche-draft-sent");
      if (sent.path !== location.pathname) { localStorage.removeItem(sent.key); }
    } catch (e) { /* storage off: nothing was kept */ }
  }

  function start() {
    account();
    settleDraft();
    copyBanner();
    if ("serviceWorker" in navigator && body.dataset.worker) {
      navigator.serviceWorker.register(body.dataset.worker, { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(keepListed).catch(function () { /* an old browser, or storage refused: the site works as is */ });
    }
    if (!window.indexedDB) { return; }
    show();
    if (navigator.onLine) {
      flush();
      if (body.hasAttribute("data-offline-copy")) { refill().catch(function () {}); }
    }
  }
  window.addEventListener("online", function () {
    flush();
    refill().catch(function () {});
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
