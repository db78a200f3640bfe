// Keyboard check of LayoutJourneyTest, part 2: which controls the Tabs reached, and focus stops without indicator.
document.removeEventListener('focusin', window.__focusListener);
const log = window.__focusLog;
const describe = (el) => {
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  const text = (el.getAttribute('aria-label') || el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  if (text) d += ' "' + (text.length > 40 ? text.substring(0, 40) + '…' : text) + '"';
  return d;
};
const unreached = window.__focusControls.filter(c => !log.some(entry => entry.chain.includes(c)));
const noRing = [...new Set(log.filter(entry => !entry.ring).map(entry => entry.desc))];
return {
  controls: window.__focusControls.length,
  stops: log.length,
  unreached: unreached.map(describe),
  noRing,
};
