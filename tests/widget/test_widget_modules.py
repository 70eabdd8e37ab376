"""The widget's pure parts, run in Chromium's JavaScript engine without any server.

The files are served to the page from ``clients/widget/`` through Playwright's
request routing, so these tests need only the browser: money formatting, how cards
survive bad payloads and hostile text, and the capture worklet's resampling to
16 kHz (the path browsers take when they refuse a 16 kHz AudioContext).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route

from channels.widget import CONTENT_TYPES, WIDGET_DIR

ORIGIN = "http://widget.test"
TARGET_RATE = 16_000
FRAME_MS = 40
RENDER_QUANTUM = 128  # samples per AudioWorklet process() call


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()

    def serve(route: Route) -> None:
        name = route.request.url.removeprefix(f"{ORIGIN}/") or "blank.html"
        path = WIDGET_DIR / name
        if name == "blank.html":
            route.fulfill(body="<!doctype html><title>blank</title>", content_type="text/html")
        elif path.is_file():
            route.fulfill(body=path.read_text(), content_type=CONTENT_TYPES[path.suffix])
        else:
            route.fulfill(status=404)

    opened.route(f"{ORIGIN}/**", serve)
    opened.goto(f"{ORIGIN}/blank.html")
    yield opened
    context.close()


@pytest.mark.parametrize(
    "fen, shown",
    [(3750, "¥37.50"), (0, "¥0.00"), (5, "¥0.05"), (123456789, "¥1,234,567.89"), (-50, "-¥0.50")],
)
def test_amounts_in_fen_are_shown_in_yuan(page: Page, fen: int, shown: str) -> None:
    formatted = page.evaluate(
        f"async fen => (await import('{ORIGIN}/cards.js')).formatFen(fen)", fen
    )
    assert formatted == shown


def test_a_fractional_amount_is_not_shown_as_money(page: Page) -> None:
    assert page.evaluate(f"async () => (await import('{ORIGIN}/cards.js')).formatFen(12.5)") == ""


def test_cards_show_text_as_text_and_skip_payloads_they_cannot_draw(page: Page) -> None:
    rendered = page.evaluate(
        f"""async () => {{
            const {{ renderBotMessage }} = await import('{ORIGIN}/cards.js');
            const hostile = '<img src=x onerror="window.hacked = 1">';
            const item = renderBotMessage({{
                text: hostile,
                buttons: [{{ title: hostile, payload: '/affirm' }}, {{ payload: 'no title' }}],
                custom: {{ cart: {{ lines: 'not a list', total: 'free' }}, surprise: {{}} }},
            }}, () => {{}});
            document.body.append(item);
            return {{
                images: item.querySelectorAll('img').length,
                text: item.querySelector('.ow-text').textContent,
                buttons: [...item.querySelectorAll('button')].map(b => b.textContent),
                cards: item.querySelectorAll('.ow-card').length,
            }};
        }}"""
    )
    hostile = '<img src=x onerror="window.hacked = 1">'
    assert rendered == {"images": 0, "text": hostile, "buttons": [hostile], "cards": 0}


def test_sold_out_menu_items_cannot_be_tapped_and_sizes_say_what_they_add(page: Page) -> None:
    buttons = page.evaluate(
        f"""async () => {{
            const {{ renderBotMessage }} = await import('{ORIGIN}/cards.js');
            const tapped = [];
            const item = renderBotMessage({{ custom: {{ menu: {{ title: 'Menu', items: [
                {{ name: 'Latte', price: 1600, options: [
                    {{ id: 'size', group: 'Size', default: 'medium', choices: [
                        {{ id: 'medium', name: 'Medium', price: 0 }},
                        {{ id: 'large', name: 'Large', price: 300 }}] }},
                    {{ id: 'milk', group: 'Milk', default: 'whole', choices: [] }}] }},
                {{ name: 'Youtiao', available: false, price: 400, options: [] }},
            ] }} }} }}, (label, text) => tapped.push(text));
            document.body.append(item);
            for (const button of item.querySelectorAll('button')) button.click();
            return {{
                labels: [...item.querySelectorAll('button')].map(b => b.getAttribute('aria-label')),
                disabled: [...item.querySelectorAll('button')].map(b => b.disabled),
                notes: [...item.querySelectorAll('.ow-note')].map(p => p.textContent),
                tapped,
            }};
        }}"""
    )
    assert buttons["labels"] == [
        "Add one medium Latte, ¥16.00",
        "Add one large Latte, ¥19.00",
        "Add one Youtiao, ¥4.00",
    ]
    assert buttons["disabled"] == [False, False, True]
    assert buttons["notes"] == ["Choose: Milk", "Sold out"]
    assert buttons["tapped"] == ["one medium Latte", "one large Latte"]


def test_cart_and_order_cards_show_the_options_the_customer_changed(page: Page) -> None:
    shown = page.evaluate(
        f"""async () => {{
            const {{ renderBotMessage }} = await import('{ORIGIN}/cards.js');
            const option = (group, choice, isDefault) => ({{ group, choice, default: isDefault }});
            const latte = {{ name: 'Latte', quantity: 2, unit_price: 3900, line_total: 7800,
                options: [option('Size', 'Large', false), option('Milk', 'Oat', false),
                          option('Shots', 'Double', true), option('Caffeine', 'Decaf', false)] }};
            const plain = {{ name: 'Cortado', quantity: 1, unit_price: 2800, line_total: 2800,
                options: [option('Milk', 'Whole', true)] }};
            const unflagged = {{ name: 'Mocha', quantity: 1, line_total: 3500,
                options: [{{ group: 'Size', choice: 'Medium' }}] }};
            const item = renderBotMessage({{ custom: {{
                cart: {{ lines: [latte, plain, unflagged], total: 14100, store: 'Xintiandi' }},
                order: {{ id: '1001', status: 'paid', total: 7800, lines: [latte] }},
            }} }}, () => {{}});
            document.body.append(item);
            return {{
                cart: [...item.querySelectorAll('.ow-cart tbody small')].map(s => s.textContent),
                rows: item.querySelectorAll('.ow-cart tbody tr').length,
                order: [...item.querySelectorAll('.ow-order li')].map(li => li.textContent),
            }};
        }}"""
    )
    assert shown == {
        "cart": ["Large, Oat, Decaf", "Medium"],
        "rows": 3,
        "order": ["2 × Latte (Large, Oat, Decaf)"],
    }


def test_a_booking_shows_its_stay_in_place_of_a_pickup(page: Page) -> None:
    shown = page.evaluate(
        f"""async () => {{
            const {{ renderBotMessage }} = await import('{ORIGIN}/cards.js');
            const stay = {{ hotel: 'Harbour Inn West Lake', room_type: 'Twin Room',
                check_in: '2026-12-12', check_out: '2026-12-14', nights: 2, guests: 2,
                check_in_from: '14:00' }};
            const room = {{ sku: 'twin', name: 'Twin Room', quantity: 2, options: [],
                unit_price: 21800, line_total: 43600 }};
            const item = renderBotMessage({{ custom: {{
                readback: {{ lines: [room], total: 43600, order_id: '1001', pickup: 'at 14:00',
                    store: {{ id: 'hi-west-lake', name: 'Harbour Inn West Lake' }}, stay }},
                order: {{ id: '1001', status: 'paid', total: 43600, lines: [room], stay,
                    store_name: 'Harbour Inn West Lake',
                    pickup_time: '2026-12-12T14:00:00+08:00' }},
            }} }}, () => {{}});
            document.body.append(item);
            return {{
                caption: item.querySelector('.ow-readback caption').textContent,
                head: item.querySelector('.ow-readback thead th').textContent,
                stay: item.querySelector('.ow-readback .ow-stay').textContent,
                pickups: item.querySelectorAll('.ow-pickup').length,
                title: item.querySelector('.ow-order h3').textContent,
                facts: [...item.querySelectorAll('.ow-order dt')].map(dt => dt.textContent),
                lines: item.querySelectorAll('.ow-order li').length,
            }};
        }}"""
    )
    assert shown == {
        "caption": "Please confirm booking 1001",
        "head": "Nights",
        "stay": (
            "Harbour Inn West Lake: check-in Sat 12 Dec from 14:00, check-out Mon 14 Dec; "
            "2 nights, 2 guests"
        ),
        "pickups": 0,
        "title": "Booking 1001",
        "facts": ["Status", "Total", "Hotel", "Room", "Stay"],
        "lines": 0,
    }


def capture(page: Page, rate: int, signal: np.ndarray) -> np.ndarray:
    """Run the capture worklet's processor on ``signal`` (at ``rate``); return its 16 kHz PCM."""
    pcm = page.evaluate(
        f"""async ([rate, signal, quantum, options]) => {{
            globalThis.sampleRate = rate;
            const posted = [];
            let Processor;
            globalThis.AudioWorkletProcessor = class {{
                constructor() {{ this.port = {{ postMessage: m => posted.push(m) }}; }}
            }};
            globalThis.registerProcessor = (name, cls) => {{ Processor = cls; }};
            await import('{ORIGIN}/pcm-capture-worklet.js');
            const processor = new Processor({{ processorOptions: options }});
            for (let start = 0; start < signal.length; start += quantum) {{
                processor.process([[Float32Array.from(signal.slice(start, start + quantum))]]);
            }}
            return posted.flatMap(m => Array.from(new Int16Array(m.pcm)));
        }}""",
        [rate, signal.tolist(), RENDER_QUANTUM, {"targetRate": TARGET_RATE, "frameMs": FRAME_MS}],
    )
    return np.asarray(pcm, dtype=np.float32) / 32768


def tone_level(samples: np.ndarray, frequency: float, rate: int) -> float:
    """Amplitude of one sine component (a single-bin Fourier transform)."""
    t = np.arange(len(samples)) / rate
    return float(2 * abs(np.mean(samples * np.exp(-2j * np.pi * frequency * t))))


@pytest.mark.parametrize("rate", [48_000, 44_100])
def test_capture_resamples_to_16_khz_and_keeps_high_frequencies_out_of_speech(
    page: Page, rate: int
) -> None:
    t = np.arange(rate) / rate  # one second
    speech_band, too_high = 440.0, 14_000.0
    signal = 0.4 * np.sin(2 * np.pi * speech_band * t) + 0.4 * np.sin(2 * np.pi * too_high * t)
    out = capture(page, rate, signal.astype(np.float32))

    frame = TARGET_RATE * FRAME_MS // 1000
    assert abs(len(out) - TARGET_RATE) <= frame, "one second in, one second out"
    settled = out[frame:]  # past the filters' start-up
    assert tone_level(settled, speech_band, TARGET_RATE) == pytest.approx(0.4, rel=0.05)
    alias = TARGET_RATE - too_high  # where 14 kHz would fold to at a 16 kHz rate: 2 kHz
    assert tone_level(settled, alias, TARGET_RATE) < 0.04, "14 kHz must not fold into speech"


def test_capture_at_16_khz_is_a_copy(page: Page) -> None:
    signal = (0.5 * np.sin(2 * np.pi * 300 * np.arange(TARGET_RATE) / TARGET_RATE)).astype(
        np.float32
    )
    out = capture(page, TARGET_RATE, signal)
    assert len(out) == TARGET_RATE
    assert np.max(np.abs(out - signal)) < 2 / 32768


def test_stores_offered_show_as_cards_with_walking_minutes_and_taps_send_the_payload(
    page: Page,
) -> None:
    rendered = page.evaluate(
        f"""async () => {{
            const {{ renderBotMessage }} = await import('{ORIGIN}/cards.js');
            const tapped = [];
            const store = (id, name, minutes) => ({{
                id, name, address: `${{minutes}} Long Road`, opens: '06:00', closes: '22:00',
                distance_m: minutes * 80, walk_minutes: minutes,
                payload: `/set_pickup{{"store": "${{id}}"}}`,
            }});
            const stores = [store('s-1', 'Riverside', 3), store('s-2', 'Old Mill', 7)];
            const item = renderBotMessage({{
                text: 'Open near you now: ...',
                buttons: stores.map(s => ({{ title: s.name, payload: s.payload }})),
                custom: {{ expect: 'store_choice', stores }},
            }}, (label, text) => tapped.push(text));
            document.body.append(item);
            item.querySelectorAll('.ow-choice')[1].click();
            return {{
                names: [...item.querySelectorAll('.ow-store h4')].map(h => h.textContent),
                walks: [...item.querySelectorAll('.ow-walk')].map(p => p.textContent),
                tapped,
            }};
        }}"""
    )
    assert rendered["names"] == ["Riverside", "Old Mill"]
    assert rendered["walks"][0].startswith("3 min walk")
    assert rendered["tapped"] == ['/set_pickup{"store": "s-2"}']


# Browsers give a location only to secure pages; a loopback origin is one (never dialled:
# the page's files are routed as above).
SECURE_ORIGIN = "http://localhost:9"


def widget_page(browser: Browser, **context: object) -> Page:
    opened = browser.new_context(**context).new_page()

    def serve(route: Route) -> None:
        name = route.request.url.removeprefix(f"{SECURE_ORIGIN}/")
        path = WIDGET_DIR / name
        if name == "chat.html":
            page = f"""<!doctype html><title>chat</title>
                <div data-orderly-widget data-server="ws://127.0.0.1:9/voice/ws"></div>
                <script type="module" src="{SECURE_ORIGIN}/orderly-widget.js"></script>"""
            route.fulfill(body=page, content_type="text/html")
        elif path.is_file():
            route.fulfill(body=path.read_text(), content_type=CONTENT_TYPES[path.suffix])
        else:
            route.fulfill(status=404)

    opened.route(f"{SECURE_ORIGIN}/**", serve)
    # Count every question to the browser's geolocation, before the widget loads.
    opened.add_init_script(
        """window.asked = 0;
        const where = navigator.geolocation;
        const ask = where.getCurrentPosition.bind(where);
        where.getCurrentPosition = (...args) => { window.asked++; ask(...args); };"""
    )
    opened.goto(f"{SECURE_ORIGIN}/chat.html")
    opened.wait_for_selector(".ow-locate")
    return opened


def test_the_location_is_asked_only_when_the_customer_taps_use_my_location(
    browser: Browser,
) -> None:
    page = widget_page(
        browser,
        geolocation={"latitude": 31.2301, "longitude": 121.4662},
        permissions=["geolocation"],
    )
    assert page.evaluate("window.asked") == 0  # loading the widget asks nothing
    page.click(".ow-locate")
    page.wait_for_selector("text=Using your location")
    location = page.evaluate(
        "document.querySelector('[data-orderly-widget]').orderlyWidget.location"
    )
    assert (location["type"], location["lat"], location["lon"]) == ("location", 31.2301, 121.4662)
    assert page.evaluate("window.asked") == 1
    page.context.close()


def test_a_refused_location_is_said_and_nothing_is_sent(browser: Browser) -> None:
    page = widget_page(browser)  # no permission granted
    page.click(".ow-locate")
    page.wait_for_selector("text=Location not shared")
    assert (
        page.evaluate("document.querySelector('[data-orderly-widget]').orderlyWidget.location")
        is None
    )
    page.context.close()
