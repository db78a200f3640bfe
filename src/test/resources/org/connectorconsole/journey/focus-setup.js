// Keyboard check of LayoutJourneyTest, part 1: lists the page's interactive controls and starts recording where
// each Tab puts the focus and whether the focused element shows a focus indicator (outline or box-shadow on it,
// its host, a part of the host's shadow root, or their ::before/::after).
const parentOf = (el) => el.assignedSlot || el.parentElement
        || (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);
const describe = (el) => {
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  const text = (el.getAttribute('aria-label') || el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  if (text) d += ' "' + (text.length > 40 ? text.substring(0, 40) + '…' : text) + '"';
  for (let p = parentOf(el), hops = 0; p && hops < 30; p = parentOf(p), hops++) {
    if (p.id) { d += ' in #' + p.id; break; }
  }
  return d;
};
const shown = (el) => {
  for (let e = el; e; e = parentOf(e)) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    if (e.hasAttribute && (e.hasAttribute('hidden') || e.getAttribute('aria-hidden') === 'true')) return false;
    if (e.hasAttribute && e.hasAttribute('inert')) return false;
  }
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const indicator = (el) => {
  const candidates = [];
  // the element up to the component that draws its ring (a select's value button: the select's input field)
  for (let e = el, hops = 0; e && hops < 8; e = parentOf(e), hops++) {
    candidates.push(e);
    if (e.shadowRoot) candidates.push(...e.shadowRoot.querySelectorAll('[part]'));
    if (e !== el && e.tagName.includes('-') && e.getRootNode() === document) break;
  }
  for (const c of candidates) {
    for (const pseudo of [null, '::before', '::after']) {
      const cs = getComputedStyle(c, pseudo);
      if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) return true;
      if (cs.boxShadow && cs.boxShadow !== 'none' && !/^rgba\(0, 0, 0, 0\)/.test(cs.boxShadow)) return true;
    }
  }
  return false;
};
// Controls: natively focusable or tabindex >= 0 elements of the light DOM (Vaadin components are one stop each;
// a grid is one stop: its rows are reached with the arrow keys, ARIA grid pattern).
const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"]),'
        + ' vaadin-side-nav-item[path], .console-clickable';
const controls = [];
const collect = (root) => {
  for (const el of root.querySelectorAll(SELECTOR)) {
    if (el.closest('vaadin-grid') || el.closest('vaadin-radio-group')) continue;
    if (el.disabled || el.hasAttribute('disabled')) continue;
    if (el.tagName === 'VAADIN-SIDE-NAV' ) continue;
    if (!shown(el)) continue;
    controls.push(el);
  }
  for (const grid of root.querySelectorAll('vaadin-grid')) if (shown(grid)) controls.push(grid);
  // a radio group is one stop too: Tab reaches its checked (or first) radio, the arrow keys the others (ARIA radio
  // group pattern)
  for (const group of root.querySelectorAll('vaadin-radio-group')) {
    if (shown(group) && !group.hasAttribute('disabled')) controls.push(group);
  }
};
collect(document);
// overlays (dialogs) render outside the view's tree: when one is open the page behind is inert
const overlays = [...document.querySelectorAll(
    'vaadin-dialog-overlay[opened], vaadin-dialog[opened], vaadin-confirm-dialog[opened]')];
window.__focusControls = overlays.length
        ? controls.filter(c => overlays.some(o => o.contains(c) || (o.owner && o.owner.contains(c))))
        : controls;
window.__focusLog = [];
window.__focusListener = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return;
  // a dialog taking the focus when it opens is not a control
  if (a.getAttribute('role') === 'dialog' || /^VAADIN-(CONFIRM-)?DIALOG/.test(a.tagName)) return;
  const chain = [];
  for (let e = a; e; e = parentOf(e)) chain.push(e);
  window.__focusLog.push({el: a, chain, ring: indicator(a), desc: describe(a)});
};
document.addEventListener('focusin', window.__focusListener);
if (document.activeElement) document.activeElement.blur();
window.getSelection().removeAllRanges();
return window.__focusControls.length;
