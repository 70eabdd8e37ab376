// The assistant's messages as DOM: text, choice buttons and the cards of
// docs/bot-messages.md (menu, cart, readback, order), whose shape is
// bot-messages.schema.json (generated from contracts/bot_messages.py).
//
// Custom payloads come from another process and may be incomplete: a card that
// cannot be drawn is left out (every custom message also has a readable text).
// Everything is set as textContent, never as HTML, so nothing a merchant or a
// user typed can become markup.

const FEN_PER_YUAN = 100;
const ASAP = "as soon as possible";
// The option group a menu card offers as one button per choice.
const SIZE_GROUP = "size";

/** 3750 -> "¥37.50", in integer arithmetic so no float rounding ever shows. */
export function formatFen(fen) {
  if (!Number.isInteger(fen)) return "";
  const sign = fen < 0 ? "-" : "";
  const yuan = Math.floor(Math.abs(fen) / FEN_PER_YUAN);
  const cents = String(Math.abs(fen) % FEN_PER_YUAN).padStart(2, "0");
  return `${sign}¥${yuan.toLocaleString("en-US")}.${cents}`;
}

/** Build an element: `el("p", {class: "x"}, "text", child)`. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/**
 * One bot message as a list item of the conversation log.
 * @param {(label: string, text: string) => void} onChoice  a button or a menu size was tapped
 */
export function renderBotMessage(message, onChoice) {
  const item = el("li", { class: "ow-msg ow-bot" });
  item.append(el("span", { class: "ow-visually-hidden" }, "Orderly: "));
  if (message.text) item.append(el("p", { class: "ow-text" }, message.text));
  for (const [key, payload] of Object.entries(message.custom || {})) {
    const card = renderCard(key, payload, onChoice);
    if (card) item.append(card);
  }
  const buttons = Array.isArray(message.buttons) ? message.buttons : [];
  if (buttons.length) {
    item.append(
      el(
        "div",
        { class: "ow-choices", role: "group", "aria-label": "Choices" },
        buttons
          .filter((button) => typeof button?.title === "string")
          .map((button) =>
            el(
              "button",
              {
                type: "button",
                class: "ow-choice",
                "data-payload": button.payload || button.title,
                onclick: () => onChoice(button.title, button.payload || button.title),
              },
              button.title,
            ),
          ),
      ),
    );
  }
  return item;
}

function renderCard(key, payload, onChoice) {
  try {
    if (key === "menu") return renderMenu(payload, onChoice);
    if (key === "cart") return renderCart(payload, "Your order", "ow-cart");
    if (key === "readback") {
      const what = isStay(payload.stay) ? "booking" : "order";
      const title = payload.order_id
        ? `Please confirm ${what} ${payload.order_id}`
        : `Please confirm your ${what}`;
      return renderCart(payload, title, "ow-readback");
    }
    if (key === "order") return renderOrder(payload);
    if (key === "stores") return renderStores(payload);
  } catch {
    // an incomplete payload: its message text has already said it in words
  }
  return null;
}

/** Stores near the customer, nearest first; the message's buttons choose one. */
function renderStores(stores) {
  return el(
    "section",
    { class: "ow-card ow-stores", "aria-label": "Stores near you" },
    el(
      "ol",
      {},
      stores.map((store) =>
        el(
          "li",
          { class: "ow-store" },
          el("h4", {}, store.name),
          el("p", { class: "ow-note" }, store.address),
          el(
            "p",
            { class: "ow-walk" },
            `${store.walk_minutes} min walk · open ${store.opens}–${store.closes}`,
          ),
        ),
      ),
    ),
  );
}

function renderMenu(menu, onChoice) {
  const title = menu.title || "Menu";
  const items = (menu.items || []).map((item) => {
    const available = item.available !== false;
    const groups = Array.isArray(item.options) ? item.options : [];
    const sizes = groups.find((group) => group.id === SIZE_GROUP);
    const others = groups.filter((group) => group !== sizes).map((group) => group.group);
    // One button per size (the price with that size), or one "Add" at the base price.
    const buttons = sizes
      ? sizes.choices.map((choice) => ({
          said: `one ${String(choice.name).toLowerCase()} ${item.name}`,
          label: choice.name,
          price: item.price + choice.price,
        }))
      : [{ said: `one ${item.name}`, label: "Add", price: item.price }];
    return el(
      "li",
      { class: `ow-menu-item${available ? "" : " ow-sold-out"}` },
      el("h4", {}, item.name),
      item.description ? el("p", { class: "ow-description" }, item.description) : null,
      others.length ? el("p", { class: "ow-note" }, `Choose: ${others.join(", ")}`) : null,
      el(
        "div",
        { class: "ow-sizes" },
        buttons.map(({ said, label, price }) =>
          el(
            "button",
            {
              type: "button",
              class: "ow-size",
              disabled: !available,
              "aria-label": `Add ${said}, ${formatFen(price)}`,
              onclick: () => onChoice(said, said),
            },
            el("span", {}, label),
            el("span", { class: "ow-price" }, formatFen(price)),
          ),
        ),
      ),
      available ? null : el("p", { class: "ow-note" }, "Sold out"),
    );
  });
  return el(
    "section",
    { class: "ow-card ow-menu", "aria-label": title },
    el("h3", {}, title),
    menu.breakfast_served === false
      ? el("p", { class: "ow-note" }, "Breakfast is not being served right now.")
      : null,
    el("ul", { class: "ow-menu-items" }, items),
  );
}

function renderCart(cart, title, kind) {
  const rows = (cart.lines || []).map((line) =>
    el(
      "tr",
      {},
      el("td", { class: "ow-qty" }, `${line.quantity}×`),
      el("td", {}, line.name, optionsText(line) ? el("small", {}, optionsText(line)) : null),
      el("td", { class: "ow-amount" }, formatFen(line.line_total)),
    ),
  );
  const store = typeof cart.store === "object" && cart.store ? cart.store.name : cart.store;
  const pickup = pickupTime(cart.pickup);
  const stay = isStay(cart.stay) ? cart.stay : null;
  const where = stay
    ? `${stay.hotel}: ${stayWords(stay)}`
    : store
      ? `Pickup at ${store}, ${pickup}`
      : `Pickup ${pickup}`;
  return el(
    "section",
    { class: `ow-card ${kind}`, "aria-label": title },
    el(
      "table",
      {},
      el("caption", {}, title),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, stay ? "Nights" : "Qty"),
          el("th", { scope: "col" }, "Item"),
          el("th", { scope: "col", class: "ow-amount" }, "Price"),
        ),
      ),
      el("tbody", {}, rows),
      el(
        "tfoot",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "row", colspan: 2 }, "Total"),
          el("td", { class: "ow-amount ow-total" }, formatFen(cart.total)),
        ),
      ),
    ),
    el("p", { class: stay ? "ow-stay" : "ow-pickup" }, where),
  );
}

/** A booking's stay (contracts StayCard): shown in place of a pickup. */
function isStay(stay) {
  return Boolean(stay && typeof stay === "object" && stay.hotel && stay.check_in);
}

/** "check-in Sat 12 Dec from 14:00, check-out Mon 14 Dec; 2 nights, 2 guests" */
export function stayWords(stay) {
  const since = stay.check_in_from ? ` from ${stay.check_in_from}` : "";
  const count = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return (
    `check-in ${dayWords(stay.check_in)}${since}, check-out ${dayWords(stay.check_out)}; ` +
    `${count(stay.nights, "night")}, ${count(stay.guests, "guest")}`
  );
}

function dayWords(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  if (!match) return String(value);
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][day.getUTCDay()];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${weekday} ${match[3]} ${months[day.getUTCMonth()]}`;
}

function renderOrder(order) {
  const stay = isStay(order.stay) ? order.stay : null;
  const where = stay
    ? [
        ["Hotel", stay.hotel],
        ["Room", stay.room_type],
        ["Stay", stayWords(stay)],
      ]
    : [
        ["Store", order.store_name],
        ["Pickup", pickupTime(order.pickup_time)],
        ["Pickup code", order.pickup_code],
      ];
  const facts = [
    ["Status", order.status || "unknown"],
    ["Total", formatFen(order.total)],
    ...where,
  ].filter(([, value]) => value);
  const title = `${stay ? "Booking" : "Order"} ${order.id ?? ""}`.trim();
  return el(
    "section",
    { class: "ow-card ow-order", "aria-label": title },
    el("h3", {}, title),
    el(
      "dl",
      {},
      facts.map(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]),
    ),
    // A booking has nothing to pick up, and its one line is the room said above.
    stay ? [] : pickupQr(order),
    stay ? [] : orderLines(order),
  );
}

function orderLines(order) {
  return el(
    "ul",
    {},
    (order.lines || []).map((line) => {
      const detail = optionsText(line);
      return el(
        "li",
        {},
        `${line.quantity ?? 1} × ${line.name ?? line.sku}${detail ? ` (${detail})` : ""}`,
      );
    }),
  );
}

/** The pickup code as a QR code for the counter's scanner, when the order has one. */
function pickupQr(order) {
  const uri = typeof order.pickup_qr === "string" ? order.pickup_qr : "";
  if (!order.pickup_code || !uri.startsWith("data:image/png;base64,")) return [];
  return el("img", {
    class: "ow-pickup-qr",
    src: uri,
    alt: `QR code of pickup code ${order.pickup_code}`,
  });
}

/**
 * The choices the customer changed, e.g. "Large, Oat, Decaf". Options without a
 * `default` flag are all shown: then nothing says which ones are ordinary.
 */
export function optionsText(line) {
  const options = Array.isArray(line.options) ? line.options : [];
  return options
    .filter((option) => option && option.default !== true)
    .map((option) => String(option.choice))
    .join(", ");
}

function pickupTime(value) {
  if (!value) return ASAP;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(String(value));
  return match ? `${match[1]} ${match[2]}` : String(value);
}
