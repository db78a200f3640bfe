// The layout check of LayoutJourneyTest (decision 0050): returns one line per element that overflows the viewport,
// spills out of its box, or is clipped by it. Walks the composed tree (light DOM, shadow roots, slotted children).
const TOLERANCE = 1;
const vw = document.documentElement.clientWidth;
const problems = [];

const parentOf = (el) => el.assignedSlot || el.parentElement
        || (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);

const describe = (el) => {
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  if (el.getAttribute && el.getAttribute('part')) d += '[part=' + el.getAttribute('part') + ']';
  const cls = (typeof el.className === 'string' ? el.className : '').trim();
  if (cls) d += '.' + cls.split(/\s+/).join('.');
  const text = (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  if (text) d += ' "' + (text.length > 40 ? text.substring(0, 40) + '…' : text) + '"';
  let where = '';
  for (let p = parentOf(el), hops = 0; p && hops < 30; p = parentOf(p), hops++) {
    if (p.id) { where = ' in #' + p.id; break; }
  }
  return d + where;
};

// The innermost element reaching furthest past the box's right edge: what makes it spill.
const widest = (el, rect) => {
  let found = null;
  let right = rect.right + TOLERANCE;
  const shownThrough = (c) => {
    // not inside something between it and the box that scrolls or clips it: that part is not what spills
    for (let p = parentOf(c); p && p !== el; p = parentOf(p)) {
      if (getComputedStyle(p).overflowX !== 'visible') return false;
    }
    return true;
  };
  for (const c of el.querySelectorAll('*')) {
    const r = c.getBoundingClientRect();
    if (r.width > 1 && r.right > right && !shownThrough(c)) continue;
    if (r.width > 1 && r.right > right) {
      right = r.right;
      found = c;
    } else if (found && r.width > 1 && r.right === right && found.contains(c)) {
      found = c;
    }
  }
  return found ? ' (because of ' + describe(found) + ')' : '';
};

const hidden = (cs) => cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse'
        || parseFloat(cs.opacity) === 0;

// Elements the check does not look inside: the browser's own widgets and components that scroll their content
// themselves (their box is checked; what they scroll is not an overflow).
const SKIP_INSIDE = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'SVG', 'svg', 'IMG', 'VAADIN-ICON', 'CANVAS', 'IFRAME',
        'SCRIPT', 'STYLE', 'TEMPLATE']);

// Components that cut their content to a shape on purpose (initials in a round avatar).
const CLIPS_BY_DESIGN = new Set(['VAADIN-AVATAR']);

const scrolls = (v) => v === 'auto' || v === 'scroll';
const clips = (v) => v === 'hidden' || v === 'clip';

function visit(el, state) {
  const cs = getComputedStyle(el);
  if (hidden(cs) && cs.display === 'none') return;
  const invisible = hidden(cs) || state.invisible;
  const rect = el.getBoundingClientRect();
  // a box of 1 px or less is visually hidden on purpose (screen-reader-only text)
  const sized = rect.width > 1 && rect.height > 1;
  if (!invisible && sized && cs.display !== 'contents') {
    // 1. Out of the viewport sideways, where no ancestor scrolls or clips it (then that ancestor is the check).
    if (!state.contained && cs.position !== 'fixed' && (rect.right > vw + TOLERANCE || rect.left < -TOLERANCE)) {
      problems.push('outside the viewport (' + Math.round(rect.left) + '…' + Math.round(rect.right) + ' of '
              + vw + ' px): ' + describe(el));
    }
    if (!SKIP_INSIDE.has(el.tagName) && !CLIPS_BY_DESIGN.has(el.tagName) && el.clientWidth > 0) {
      const overX = el.scrollWidth - el.clientWidth;
      const overY = el.scrollHeight - el.clientHeight;
      // 2. Clipped: a box that hides what does not fit. Ellipsis is intended only for text: an element child cut
      //    off (a badge, a button) is a clip even with text-overflow: ellipsis.
      if (clips(cs.overflowX) && overX > TOLERANCE) {
        const cutChild = [...el.querySelectorAll('*')].find(c => {
          const r = c.getBoundingClientRect();
          return r.width > 1 && r.right > rect.right + TOLERANCE && getComputedStyle(c).visibility !== 'hidden';
        });
        if (cs.textOverflow !== 'ellipsis' || cutChild) {
          problems.push('clipped by ' + overX + ' px' + (cutChild ? ' (cuts ' + describe(cutChild) + ')' : '')
                  + ': ' + describe(el));
        }
      }
      if (clips(cs.overflowY) && overY > TOLERANCE && el.clientHeight > 0 && !state.lineClamp(cs)) {
        problems.push('clipped vertically by ' + overY + ' px: ' + describe(el));
      }
      // 3. Spilling: content sticking out of a box that shows it (a badge out of its card). Not checked inside
      //    components' shadow roots (their internals, e.g. a grid's rows inside its own scroller); what they show
      //    of the page's content (slotted elements) is checked.
      if (!state.inShadow && cs.overflowX === 'visible' && overX > TOLERANCE && cs.display !== 'inline') {
        problems.push('content spills out sideways by ' + overX + ' px' + widest(el, rect) + ': ' + describe(el));
      }
      if (!state.inShadow && cs.overflowY === 'visible' && overY > TOLERANCE && cs.display !== 'inline' && el.clientHeight > 0
              && cs.height !== 'auto' && state.boxed(cs)) {
        problems.push('content spills out below by ' + overY + ' px: ' + describe(el));
      }
    }
  }
  if (SKIP_INSIDE.has(el.tagName)) return;
  const next = {
    invisible,
    inShadow: state.inShadow,
    contained: state.contained || scrolls(cs.overflowX) || clips(cs.overflowX),
    lineClamp: state.lineClamp,
    boxed: state.boxed,
  };
  const children = el.shadowRoot ? [...el.shadowRoot.children] : [...el.children].filter(c => !c.assignedSlot);
  const inside = el.shadowRoot ? {...next, inShadow: true} : next;
  for (const child of children) {
    if (child.tagName === 'SLOT') {
      for (const assigned of child.assignedElements({flatten: true})) {
        visit(assigned, {...next, inShadow: assigned.getRootNode() instanceof ShadowRoot});
      }
    } else {
      visit(child, inside);
    }
  }
}

visit(document.body, {
  invisible: false,
  inShadow: false,
  contained: false,
  lineClamp: (cs) => cs.webkitLineClamp && cs.webkitLineClamp !== 'none',
  // only boxes that draw an edge show a spill below them
  boxed: (cs) => parseFloat(cs.borderBottomWidth) > 0 || (cs.backgroundColor !== 'rgba(0, 0, 0, 0)'
          && cs.backgroundColor !== 'transparent'),
});
if (document.documentElement.scrollWidth > vw + TOLERANCE) {
  problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide at ' + vw + ' px');
}
return [...new Set(problems)];
