// The counter's screen: sign in, follow the store's open orders live, press the buttons.
// Plain script, no build step. The staff token lives in this tab only (sessionStorage).
// Every value from the server is written with textContent, never as HTML.
"use strict";

const TOKEN_KEY = "orderly-staff-token";
const STORE_KEY = "orderly-staff-store";
const RECONNECT_MS = 1000;
const LABELS = {
  accept: "Accept", reject: "Reject", start: "Start", ready: "Ready", collected: "Collected",
};
const PRIMARY = new Set(["accept", "ready", "collected"]);

const $ = (id) => document.getElementById(id);
let feed = null; // the AbortController of the live feed

function token() { return sessionStorage.getItem(TOKEN_KEY); }

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) { signOut("Your session ended; sign in again."); }
  return response;
}

async function errorMessage(response) {
  try { return (await response.json()).error.message; } catch { return `Error ${response.status}`; }
}

function showSignIn(message) {
  $("session").hidden = true;
  $("board").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message || "";
  $("staff-id").focus();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (feed) feed.abort();
  feed = null;
  showSignIn(message);
}

async function signIn(event) {
  event.preventDefault();
  const button = event.submitter || $("sign-in").querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch("/identity/staff/sign-in", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ staff_id: $("staff-id").value.trim(), password: $("password").value }),
    });
    if (!response.ok) {
      $("sign-in-error").textContent = await errorMessage(response);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, (await response.json()).token);
    $("password").value = "";
    await start();
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const response = await api("GET", "/staff/me");
  if (!response.ok) return;
  const me = await response.json();
  const select = $("store");
  select.replaceChildren(...me.stores.map((store) => new Option(store.name, store.id)));
  const remembered = localStorage.getItem(STORE_KEY);
  if (me.stores.some((store) => store.id === remembered)) select.value = remembered;
  $("sign-in").hidden = true;
  $("session").hidden = false;
  $("board").hidden = false;
  follow(select.value);
}

// Server-sent events read with fetch, because EventSource cannot send the token header.
async function follow(storeId) {
  if (feed) feed.abort();
  const controller = new AbortController();
  feed = controller;
  while (feed === controller) {
    try {
      const response = await fetch(`/staff/orders/stream?store_id=${encodeURIComponent(storeId)}`, {
        headers: { Authorization: `Bearer ${token()}` }, signal: controller.signal,
      });
      if (response.status === 401) { signOut("Your session ended; sign in again."); return; }
      if (!response.ok) throw new Error(await errorMessage(response));
      $("connection").textContent = "live";
      await readEvents(response.body, (data) => render(JSON.parse(data)));
    } catch (error) {
      if (controller.signal.aborted) return;
      $("connection").textContent = "reconnecting…";
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

async function readEvents(stream, onOrders) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split("\n");
      const name = lines.find((line) => line.startsWith("event: "));
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6));
      if (name === "event: orders" && data.length) onOrders(data.join("\n"));
    }
  }
}

function clock(iso) { return iso ? iso.slice(11, 16) : "—"; }

function orderCard(order) {
  const card = document.createElement("li");
  card.className = "order";
  card.dataset.status = order.status;
  card.dataset.order = order.id;
  const head = document.createElement("div");
  head.className = "order-head";
  const code = document.createElement("span");
  code.className = "code";
  code.textContent = order.pickup_code || "—";
  code.setAttribute("aria-label", `pickup code ${order.pickup_code}`);
  const status = document.createElement("span");
  status.className = "status";
  status.textContent = `${order.status} · #${order.id}`;
  head.append(code, status);
  const times = document.createElement("p");
  times.className = "times";
  times.textContent = `Pickup ${order.asap ? "ASAP " : ""}${clock(order.pickup_time)}` +
    ` · ready ${order.status === "ready" ? "since" : "by"} ${clock(order.ready_at)}`;
  const items = document.createElement("ul");
  items.className = "items";
  for (const line of order.items) {
    const item = document.createElement("li");
    item.textContent = `${line.quantity} × ${line.name}`;
    const chosen = line.options.filter((option) => !option.default);
    if (chosen.length) {
      const options = document.createElement("span");
      options.className = "options";
      options.textContent = chosen.map((o) => `${o.group_name}: ${o.choice_name}`).join(", ");
      item.append(options);
    }
    items.append(item);
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  // The next step first, where the thumb is; Reject last, away from it.
  const ordered = [
    ...order.actions.filter((action) => action !== "reject"),
    ...order.actions.filter((action) => action === "reject"),
  ];
  for (const action of ordered) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = LABELS[action] || action;
    button.dataset.action = action;
    button.dataset.order = order.id;
    button.className = action === "reject" ? "danger" : PRIMARY.has(action) ? "primary" : "";
    button.setAttribute("aria-label", `${LABELS[action]} order ${order.pickup_code}`);
    actions.append(button);
  }
  card.append(head, times, items, actions);
  return card;
}

function render(body) {
  if (body.store_id !== $("store").value) return;
  const focused = document.activeElement;
  const keep = focused && focused.dataset ? [focused.dataset.order, focused.dataset.action] : null;
  $("orders").replaceChildren(...body.orders.map(orderCard));
  $("empty").hidden = body.orders.length > 0;
  if (keep && keep[0]) {
    const again = document.querySelector(
      `button[data-order="${CSS.escape(keep[0])}"][data-action="${CSS.escape(keep[1] || "")}"]`,
    );
    (again || $("orders").querySelector("button") || $("store")).focus();
  }
}

async function press(button) {
  const { action, order } = button.dataset;
  if (action === "reject" && !window.confirm(`Reject order ${order}? The customer is refunded.`)) {
    return;
  }
  button.disabled = true;
  $("board-error").textContent = "";
  const response = await api("POST", `/staff/orders/${encodeURIComponent(order)}/${action}`);
  if (!response.ok) {
    button.disabled = false;
    $("board-error").textContent = await errorMessage(response);
    return;
  }
  const changed = await response.json();
  $("announce").textContent = `Order ${changed.pickup_code} ${changed.status}.`;
  // The feed follows within a second; the list now keeps the screen right meanwhile.
  const list = await api("GET", `/staff/orders?store_id=${encodeURIComponent($("store").value)}`);
  if (list.ok) render(await list.json());
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  $("store").addEventListener("change", () => {
    localStorage.setItem(STORE_KEY, $("store").value);
    follow($("store").value);
  });
  $("orders").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) press(button);
  });
  if (token()) start(); else showSignIn();
});
