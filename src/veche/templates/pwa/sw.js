// Veche's service worker (served by core/pwa.py at /sw.js; docs/architecture.md "The installable app").
// It keeps the app shell when it installs, and each page a person opens while online, to show when
// there is no connection. What it keeps is bound to one account: a page fetched under another account
// (or the logout) drops every kept page first. A kept page never holds a form token: the tokens are
// blanked before it is stored, and app.js fetches a fresh one before anything is sent.
"use strict";
const CONFIG = {{ config|safe }};
{% verbatim %}
const SHELL = "veche-shell-" + CONFIG.version;
const PAGES = "veche-pages";
// The account the kept pages belong to, stored as a response in the pages' own cache, so that the
// pages and their owner are dropped together.
const OWNER = "/__veche/owner";
const KEEP_PAGES = 40;

// Pages that are never kept: the staff's and the admin's (other people's data), the account's own
// settings, the API, and the language switch's answer.
const NEVER = [/^\/admin\//, /^\/api\//, /^\/m\/[^/]+\/staff\//, /^\/accounts\/(?!activity\/)/, /^\/i18n\//,
  /^\/device\/session/, /^\/sw\.js/];

function blankTokens(html) {
  return html
    .replace(/(name="csrfmiddlewaretoken"\s+value=")[^"]*"/g, '$1"')
    .replace(/("X-CSRFToken":\s*")[^"]*"/g, '$1"');
}

function ownerOf(html) {
  const found = /<body[^>]*\sdata-account="([^"]*)"/.exec(html);
  return found && found[1] ? found[1] : null;
}

async function keep(cacheName, request, response, savedAt) {
  const html = await response.text();
  const owner = ownerOf(html);
  if (cacheName === PAGES) {
    // A page that names no owner (the device's own pages) is not kept among the account's.
    if (!owner) { return; }
    const cache = await caches.open(PAGES);
    const known = await cache.match(OWNER);
    if (!known || (await known.text()) !== owner) {
      await forgetPages();
      await (await caches.open(PAGES)).put(OWNER, new Response(owner));
    }
  }
  const stamped = blankTokens(html).replace(/<body/, '<body data-saved-at="' + savedAt + '"');
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
  await (await caches.open(cacheName)).put(request, new Response(stamped, { headers: headers }));
  if (cacheName === PAGES) { await trim(); }
}

async function trim() {
  const cache = await caches.open(PAGES);
  const keys = (await cache.keys()).filter((r) => new URL(r.url).pathname !== OWNER);
  // Keys come in the order they were first put: the oldest go first.
  for (const old of keys.slice(0, Math.max(0, keys.length - KEEP_PAGES))) { await cache.delete(old); }
}

async function forgetPages() { await caches.delete(PAGES); }

function keepable(url, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") { return false; }
  if (NEVER.some((re) => re.test(url.pathname))) { return false; }
  const type = response.headers.get("Content-Type") || "";
  const control = response.headers.get("Cache-Control") || "";
  return type.startsWith("text/html") && !/no-store|private/.test(control);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const now = new Date().toISOString();
    for (const url of CONFIG.shell) {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
      if (!response.ok) { throw new Error("shell: " + url + " " + response.status); }
      const type = response.headers.get("Content-Type") || "";
      if (type.startsWith("text/html")) {
        await keep(SHELL, new Request(url), response, now);
      } else {
        await (await caches.open(SHELL)).put(url, response);
      }
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("veche-shell-") && name !== SHELL) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

async function fromDevice(request, copy = true) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (!kept) { return null; }
  // A kept page says it is the device's copy (app.js shows when it was saved); the offline page
  // shown in place of one never kept does not.
  const html = copy ? (await kept.text()).replace(/<body/, "<body data-offline-copy") : await kept.text();
  return new Response(html, { headers: kept.headers });
}

async function page(event) {
  const request = event.request;
  const url = new URL(request.url);
  const network = fetch(request);
  const keeping = network.then(async (response) => {
    if (keepable(url, response)) {
      await keep(PAGES, new Request(url.pathname + url.search), response.clone(), new Date().toISOString());
    } else if (response.ok && response.type === "basic") {
      // A page not kept still says whose session this is: another account drops what was kept.
      const type = response.headers.get("Content-Type") || "";
      if (type.startsWith("text/html")) {
        const owner = ownerOf(await response.clone().text());
        const known = await (await caches.open(PAGES)).match(OWNER);
        if (owner !== null && known && (await known.text()) !== owner) { await forgetPages(); }
      }
    }
  }).catch(() => undefined);
  event.waitUntil(keeping);
  // Only a failed network gives the device's copy: a slow answer is still awaited, since a copy
  // could show a page as it was before the person's own last action.
  try {
    return await network;
  } catch (error) {
    return (await fromDevice(request))
      || (await fromDevice(new Request(CONFIG.offline), false))
      || Response.error();
  }
}

async function asset(event) {
  // The site's files: the kept copy at once, refreshed from the network for the next time.
  const cached = await caches.match(event.request);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok && response.type === "basic") {
      await (await caches.open(SHELL)).put(event.request, response.clone());
    }
    return response;
  });
  event.waitUntil(fresh.catch(() => undefined));
  return cached || fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // Logging out drops every kept page of the account, whatever the network answers.
    if (request.method === "POST" && url.pathname === CONFIG.logout) { event.waitUntil(forgetPages()); }
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(asset(event));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    // A person's own reports, listed on a page they opened: kept so that they open offline too.
    event.waitUntil((async () => {
      for (const href of data.urls.slice(0, 20)) {
        const url = new URL(href, self.location.origin);
        if (url.origin !== self.location.origin) { continue; }
        // Kept already: opening it online refreshes it; fetching it on every visit of the list would
        // cost a slow connection twenty pages.
        if (await (await caches.open(PAGES)).match(url.pathname + url.search)) { continue; }
        try {
          const response = await fetch(url.pathname + url.search, { credentials: "same-origin" });
          if (keepable(url, response)) {
            await keep(PAGES, new Request(url.pathname + url.search), response, new Date().toISOString());
          }
        } catch (error) { /* offline again: the next visit tries */ }
      }
    })());
  }
});
{% endverbatim %}
