"""Accessibility rules judged in the browser, on the rendered page (computed styles, real focus).

Each rule takes a WebDriver on a loaded page and returns a list of violations, each a dict
{"rule": name, "element": a selector-like description of the offending element, "details": why}.

    form-control-name  every input (but type=hidden), select, textarea and button has a name
    text-contrast      text against its effective background: >= 4.5:1, large text >= 3:1
    landmarks          a banner (header), a navigation (nav) and exactly one main
    focus-visible      every element reached by Tab shows a focus indicator (outline/box-shadow)

check_page(driver) runs the four and returns {rule: [violations]} plus, under "unverifiable",
the text whose contrast could not be judged (over a background image): neither a pass nor a
violation, for the caller to decide about.
"""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

FORM_CONTROL_NAME = "form-control-name"
TEXT_CONTRAST = "text-contrast"
LANDMARKS = "landmarks"
FOCUS_VISIBLE = "focus-visible"
RULES = (FORM_CONTROL_NAME, TEXT_CONTRAST, LANDMARKS, FOCUS_VISIBLE)
UNVERIFIABLE = "unverifiable"

# WCAG 2.x success criterion 1.4.3 (contrast, minimum).
NORMAL_TEXT_MIN_RATIO = 4.5
LARGE_TEXT_MIN_RATIO = 3.0
LARGE_TEXT_PX = 24.0  # 18pt
LARGE_BOLD_TEXT_PX = 18.66  # 14pt, with font-weight >= 700

# Tab presses before the focus walk gives up (a page with more tab stops is reported).
MAX_TAB_STOPS = 500

# Shared by every rule: describing elements, parsing colours, luminance and contrast.
JS_PRELUDE = r"""
const gm = {};
gm.describe = function (el) {
  if (!el || el.nodeType !== 1) return String(el);
  const part = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) return s + '#' + CSS.escape(e.id);
    const same = e.parentElement
      ? Array.from(e.parentElement.children).filter((c) => c.tagName === e.tagName) : [e];
    if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    return s;
  };
  const parts = [];
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    parts.unshift(part(e));
    if (e.id || e === document.body || e === document.documentElement) break;
  }
  let s = parts.join(' > ');
  if (el.tagName === 'SELECT' || el.tagName === 'TEXTAREA') return s;
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ');
  if (text) s += ' "' + (text.length > 40 ? text.slice(0, 40) + '…' : text) + '"';
  return s;
};
gm.canvas = null;
// A CSS colour as [r, g, b, a] (0-255, alpha 0-1). Computed colours are rgb()/rgba() in sRGB;
// anything else (color(), oklch(), ...) is converted by drawing one canvas pixel.
gm.parseColor = function (value) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(value);
  if (m) {
    let a = m[4] === undefined ? 1 : parseFloat(m[4]);
    if (m[5] === '%') a /= 100;
    return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), a];
  }
  if (value === 'transparent') return [0, 0, 0, 0];
  if (!gm.canvas) gm.canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const ctx = gm.canvas;
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = value;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
};
// WCAG 2.x relative luminance of an opaque sRGB colour [r, g, b] (0-255).
gm.luminance = function (rgb) {
  const lin = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
};
gm.contrast = function (rgbA, rgbB) {
  const la = gm.luminance(rgbA), lb = gm.luminance(rgbB);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
};
// Premultiplied source-over: top over bottom, both [r, g, b, a] premultiplied.
gm.over = function (top, bottom) {
  const k = 1 - top[3];
  return [top[0] + k * bottom[0], top[1] + k * bottom[1], top[2] + k * bottom[2], top[3] + k * bottom[3]];
};
gm.premultiply = function (c) { return [c[0] * c[3], c[1] * c[3], c[2] * c[3], c[3]]; };
// The opaque colour seen where `layers` (outermost first; each {bg: [r,g,b,a], opacity}) are
// painted over the white page, with `top` (a colour, e.g. the text's, or null) painted inside
// the innermost layer. Each layer is a group: its background, then what is inside it, the whole
// scaled by its opacity.
gm.composite = function (layers, top) {
  let inner = top ? gm.premultiply(top) : [0, 0, 0, 0];
  for (let i = layers.length - 1; i >= 0; i--) {
    const group = gm.over(inner, gm.premultiply(layers[i].bg));
    const o = layers[i].opacity;
    inner = [group[0] * o, group[1] * o, group[2] * o, group[3] * o];
  }
  const page = gm.over(inner, [255, 255, 255, 1]);
  return [page[0], page[1], page[2]];
};
gm.rendered = function (el) {
  return el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible';
};
"""

JS_FORM_CONTROL_NAME = r"""
const textOf = (root, exclude) => {
  // The text a label or a button shows: its text nodes and images' alt, leaving out `exclude`
  // (the control being named), select/textarea contents and aria-hidden subtrees.
  let out = '';
  const walk = (node) => {
    if (node === exclude) return;
    if (node.nodeType === 3) { out += node.nodeValue; return; }
    if (node.nodeType !== 1) return;
    const tag = node.tagName;
    if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (node.getAttribute('aria-hidden') === 'true') return;
    if (tag === 'IMG' && node.alt) out += ' ' + node.alt + ' ';
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return out.trim().replace(/\s+/g, ' ');
};
const nameOf = (el) => {
  const why = [];
  const labelledby = (el.getAttribute('aria-labelledby') || '').trim();
  if (labelledby) {
    const text = labelledby.split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((e) => e)
      .map((e) => (e.getAttribute('aria-label') || '').trim() || textOf(e, el))
      .join(' ').trim();
    if (text) return { name: text };
    why.push('aria-labelledby="' + labelledby + '" resolves to no text');
  }
  const ariaLabel = (el.getAttribute('aria-label') || '').trim();
  if (ariaLabel) return { name: ariaLabel };
  if (el.hasAttribute('aria-label')) why.push('aria-label is empty');
  for (const label of Array.from(el.labels || [])) {
    const text = textOf(label, el);
    if (text) return { name: text };
    why.push('its label has no text');
  }
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (el.tagName === 'BUTTON') {
    const text = textOf(el, null);
    if (text) return { name: text };
  }
  if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(type)) {
    if ((el.getAttribute('value') || '').trim()) return { name: el.getAttribute('value').trim() };
    // Browsers show and expose "Submit" / "Reset" when these have no value.
    if (type === 'submit' || type === 'reset') return { name: type };
  }
  if (el.tagName === 'INPUT' && type === 'image' && (el.getAttribute('alt') || '').trim()) {
    return { name: el.getAttribute('alt').trim() };
  }
  const title = (el.getAttribute('title') || '').trim();
  if (title) return { name: title };
  if (!why.length) why.push('no label, aria-label, aria-labelledby, title or text');
  return { name: '', why: why.join('; ') };
};
const out = [];
for (const el of document.querySelectorAll('input, select, textarea, button')) {
  if (el.tagName === 'INPUT' && (el.getAttribute('type') || '').toLowerCase() === 'hidden') continue;
  const r = nameOf(el);
  if (!r.name) out.push({ rule: 'form-control-name', element: gm.describe(el), details: r.why });
}
return out;
"""

JS_TEXT_CONTRAST = r"""
const [normalMin, largeMin, largePx, largeBoldPx] = arguments;
const violations = [], unverifiable = [];
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE', 'OPTION', 'OPTGROUP']);
const XHTML = 'http://www.w3.org/1999/xhtml';
for (const el of document.body ? document.body.querySelectorAll('*') : []) {
  if (SKIP.has(el.tagName) || el.namespaceURI !== XHTML) continue;
  const ownText = Array.from(el.childNodes)
    .filter((n) => n.nodeType === 3 && n.nodeValue.trim()).map((n) => n.nodeValue).join(' ');
  if (!ownText || !gm.rendered(el)) continue;
  const style = getComputedStyle(el);
  // The element and its ancestors, outermost first: each one's background and opacity.
  const chain = [];
  let image = null;
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.backgroundImage && s.backgroundImage !== 'none' && !image) image = e;
    chain.unshift({ bg: gm.parseColor(s.backgroundColor), opacity: parseFloat(s.opacity) });
  }
  const describe = gm.describe(el);
  if (image) {
    unverifiable.push({
      rule: 'text-contrast', element: describe,
      details: 'text over a background image (on ' + gm.describe(image).split(' "')[0] + '): contrast not computed',
    });
    continue;
  }
  if (chain.some((l) => l.opacity === 0)) continue;  // not painted at all
  const fg = gm.parseColor(style.color);
  const textColor = gm.composite(chain, fg);
  const background = gm.composite(chain, null);
  const ratio = gm.contrast(textColor, background);
  const size = parseFloat(style.fontSize), weight = parseInt(style.fontWeight, 10) || 400;
  const large = size >= largePx || (size >= largeBoldPx && weight >= 700);
  const min = large ? largeMin : normalMin;
  if (ratio < min) {
    const hex = (c) => '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
    violations.push({
      rule: 'text-contrast', element: describe,
      details: 'contrast ' + ratio.toFixed(2) + ':1 < ' + min + ':1 (' + (large ? 'large' : 'normal') +
        ' text, ' + size + 'px weight ' + weight + '; text ' + hex(textColor) + ' on ' + hex(background) + ')',
    });
  }
}
return [violations, unverifiable];
"""

JS_LANDMARKS = r"""
const SECTIONING = 'article, aside, main, nav, section, [role=article], [role=complementary], ' +
  '[role=main], [role=navigation], [role=region]';
const roleOf = (el) => {
  const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
  if (explicit) return explicit;
  const tag = el.tagName;
  if (tag === 'MAIN') return 'main';
  if (tag === 'NAV') return 'navigation';
  // A header is the banner only when it is not inside sectioning content (HTML-AAM).
  if (tag === 'HEADER') return el.parentElement && el.parentElement.closest(SECTIONING) ? '' : 'banner';
  return '';
};
const found = { banner: [], navigation: [], main: [] };
for (const el of document.querySelectorAll('header, nav, main, [role]')) {
  const role = roleOf(el);
  if (role in found && el.checkVisibility()) found[role].push(el);
}
const out = [];
const missing = {
  banner: 'no banner landmark (a header outside article/aside/main/nav/section, or role=banner)',
  navigation: 'no navigation landmark (nav or role=navigation)',
  main: 'no main landmark (main or role=main)',
};
for (const role of ['banner', 'navigation', 'main']) {
  if (!found[role].length) out.push({ rule: 'landmarks', element: 'document', details: missing[role] });
}
if (found.main.length > 1) {
  for (const el of found.main) {
    out.push({
      rule: 'landmarks', element: gm.describe(el),
      details: found.main.length + ' main landmarks; a page has exactly one',
    });
  }
}
return out;
"""

# Records, for every element, its outline and box-shadow while nothing has focus.
JS_FOCUS_BASELINE = r"""
if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
const look = (el) => {
  const s = getComputedStyle(el);
  return { outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
           outlineColor: s.outlineColor, outlineOffset: s.outlineOffset, boxShadow: s.boxShadow };
};
window.__gmFocusLook = look;
window.__gmFocusBaseline = new Map();
for (const el of document.querySelectorAll('*')) window.__gmFocusBaseline.set(el, look(el));
// Start sequential focus navigation at the top of the document.
const start = document.createElement('span');
start.tabIndex = -1;
document.body.prepend(start);
start.focus();
window.__gmFocusStart = start;
"""

# After a Tab press: what has focus, and whether it looks different from its unfocused state.
JS_FOCUS_JUDGE = r"""
if (window.__gmFocusStart) { window.__gmFocusStart.remove(); window.__gmFocusStart = null; }
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
const before = window.__gmFocusBaseline.get(el) || null;
const now = window.__gmFocusLook(el);
const color = gm.parseColor(now.outlineColor);
const outlineShown = now.outlineStyle !== 'none' && now.outlineWidth > 0 && color[3] > 0;
const outlineChanged = !before || ['outlineStyle', 'outlineWidth', 'outlineColor', 'outlineOffset']
  .some((k) => before[k] !== now[k]);
const shadowChanged = now.boxShadow !== 'none' && (!before || before.boxShadow !== now.boxShadow);
const text = (l) => l ? 'outline ' + l.outlineStyle + ' ' + l.outlineWidth + 'px ' + l.outlineColor +
  ', box-shadow ' + l.boxShadow : 'not recorded';
return {
  element: el, describe: gm.describe(el),
  visible: (outlineShown && outlineChanged) || shadowChanged,
  details: 'no visible focus indicator: focused ' + text(now) + '; unfocused ' + text(before),
};
"""

JS_CONTRAST_OF = r"""
const [fg, bg] = arguments;
const opaque = gm.composite([{ bg: gm.parseColor(bg), opacity: 1 }], null);
const text = gm.composite([{ bg: gm.parseColor(bg), opacity: 1 }], gm.parseColor(fg));
return gm.contrast(text, opaque);
"""

JS_CSS_COLOR = r"""
const probe = document.createElement('span');
probe.style.color = arguments[0];
document.documentElement.appendChild(probe);
const value = getComputedStyle(probe).color;
probe.remove();
return value;
"""


def _run(driver: WebDriver, body: str, *args: Any) -> Any:
    return driver.execute_script(JS_PRELUDE + body, *args)


def form_control_name(driver: WebDriver) -> list[dict[str, str]]:
    """Every input (except type=hidden), select, textarea and button has an accessible name:
    aria-labelledby resolving to text, aria-label, a label (for= or wrapping) with text, a
    button's text (or an image's alt inside it), an input button's value, an image input's alt,
    or title. A placeholder is not a name."""
    return _run(driver, JS_FORM_CONTROL_NAME)


def contrast_findings(driver: WebDriver) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(violations, unverifiable) of the text-contrast rule."""
    violations, unverifiable = _run(
        driver,
        JS_TEXT_CONTRAST,
        NORMAL_TEXT_MIN_RATIO,
        LARGE_TEXT_MIN_RATIO,
        LARGE_TEXT_PX,
        LARGE_BOLD_TEXT_PX,
    )
    return violations, unverifiable


def text_contrast(driver: WebDriver) -> list[dict[str, str]]:
    """Each rendered element with text of its own: the contrast of its computed colour against
    the background it is painted on (ancestors' background colours and opacities composited over
    the white page) is >= 4.5:1, or >= 3:1 for large text (>= 24px, or >= 18.66px and bold).
    Text over a background image is not judged here: see contrast_findings / check_page."""
    return contrast_findings(driver)[0]


def contrast_ratio(driver: WebDriver, foreground: str, background: str) -> float:
    """The rule's own JavaScript contrast of a CSS colour painted over another (over white)."""
    return float(_run(driver, JS_CONTRAST_OF, css_color(driver, foreground), css_color(driver, background)))


def css_color(driver: WebDriver, value: str) -> str:
    """The browser's computed form of a CSS colour (e.g. "#777" -> "rgb(119, 119, 119)")."""
    return driver.execute_script(JS_CSS_COLOR, value)


def landmarks(driver: WebDriver) -> list[dict[str, str]]:
    """The page has a banner (header not inside sectioning content, or role=banner), a navigation
    (nav or role=navigation) and exactly one main (main or role=main); hidden ones do not count."""
    return _run(driver, JS_LANDMARKS)


def tab_stops(driver: WebDriver, max_tabs: int = MAX_TAB_STOPS) -> list[dict[str, Any]]:
    """Tabs through the page with real key presses from the top of the document, until focus
    leaves the document or comes back to the first stop. One dict per stop, in tab order:
    {"element": description, "visible": has a focus indicator, "details": focused vs unfocused
    outline and box-shadow}. A last {"element": "document", "visible": False, ...} entry means
    max_tabs presses kept finding new stops. Leaves the page with nothing focused."""
    _run(driver, JS_FOCUS_BASELINE)
    stops: list[dict[str, Any]] = []
    first = None
    try:
        for _ in range(max_tabs):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            judged = _run(driver, JS_FOCUS_JUDGE)
            if judged is None:  # focus left the document: the walk is over
                return stops
            if first is None:
                first = judged["element"]
            elif judged["element"] == first:  # wrapped around
                return stops
            stops.append({"element": judged["describe"], "visible": judged["visible"], "details": judged["details"]})
        stops.append(
            {
                "element": "document",
                "visible": False,
                "details": f"still finding new tab stops after {max_tabs} Tab presses (a focus trap?)",
            }
        )
        return stops
    finally:
        driver.execute_script(
            "if (window.__gmFocusStart) window.__gmFocusStart.remove();"
            "if (document.activeElement) document.activeElement.blur();"
        )


def focus_visible(driver: WebDriver, max_tabs: int = MAX_TAB_STOPS) -> list[dict[str, str]]:
    """Every tab stop (see tab_stops) must look different when focused: a shown outline (style
    not none, width > 0, colour not transparent) that differs from its unfocused outline, or a
    box-shadow that differs from its unfocused one."""
    return [
        {"rule": FOCUS_VISIBLE, "element": stop["element"], "details": stop["details"]}
        for stop in tab_stops(driver, max_tabs)
        if not stop["visible"]
    ]


def check_page(driver: WebDriver) -> dict[str, list[dict[str, str]]]:
    """All four rules on the loaded page: {rule: [violations]} for each rule in RULES, and
    UNVERIFIABLE: [text whose contrast could not be judged]."""
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    contrast, unverifiable = contrast_findings(driver)
    return {
        FORM_CONTROL_NAME: form_control_name(driver),
        TEXT_CONTRAST: contrast,
        LANDMARKS: landmarks(driver),
        FOCUS_VISIBLE: focus_visible(driver),
        UNVERIFIABLE: unverifiable,
    }
