// Evaluated by test_browser.py in a page of the built book, after axe-core: runs
// axe's default rules and returns the violations, trimmed, and the looks it
// checked (see below).  Called once at desktop width and then, in the same
// page, once more at phone width.
//
// Two things keep it cheap on a long page (12,000 elements, most of them code
// tokens and MathJax glyphs) without leaving anything unchecked:
//
// * The two rules that work out what is behind a text (axe's dearest:
//   color-contrast, and link-in-text-block, which compares a link with the text
//   around it) check one element per look.  A look is everything their outcome
//   depends on: the colours, size, weight, decoration and shadow of the text
//   (and of the block around a link), and the colour, image, opacity and filter
//   of everything behind it up to the first opaque background.  Elements that
//   look the same get the same verdict, so a look checked once, at either width
//   or on another page (`looks` passes them in), is not checked again.
// * At phone width a rule skips the elements it already checked at desktop
//   width, unless its outcome can depend on the width: the rules that look at
//   the layout (LAYOUT), the page-level rules and the rules that compare
//   elements with each other run on the whole page again; every other rule runs
//   on the changed elements only (about 150 of a chapter's 14,000): those whose
//   display or visibility, or that of an ancestor or a descendant, changed with
//   the width, and those whose attributes a script changed since the desktop
//   run (the theme sets a code block's tabindex when the width changes), with
//   their ancestors and descendants.  They are marked with MARK for the run, so
//   that axe does not even gather the rest.
async ({width, looks}) => {
  const LAYOUT = new Set(['scrollable-region-focusable', 'target-size', 'css-orientation-lock']);
  // Compares elements with each other, but its verdict on one element does not
  // change when another comes or goes: skipped like the rest.
  const ALONE = new Set(['region']);
  // A CSS selector list narrowed to the elements marked changed (MARK).
  const MARK = 'data-book-changed';
  const onlyChanged = (selector) => {
    const parts = [];
    let depth = 0, start = 0;
    for (let i = 0; i < selector.length; i++) {
      const c = selector[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { parts.push(selector.slice(start, i)); start = i + 1; }
    }
    parts.push(selector.slice(start));
    return parts.map((part) => part.trim() + `[${MARK}]`).join(', ');
  };
  const state = window.bookAudit ||
    (window.bookAudit = {looks: new Set(), settled: new Map(), shown: null, runs: 0});
  for (const look of looks) state.looks.add(look);

  // What is shown of each element, to see what the width changed.
  const shownNow = new Map();
  for (const element of document.querySelectorAll('*')) {
    const style = getComputedStyle(element);
    shownNow.set(element, style.display + ' ' + style.visibility + ' ' + style.contentVisibility);
  }
  // Elements whose attributes changed since the last run count as changed too:
  // the theme's scripts change some on resize (a code block's tabindex, say).
  const touched = state.watcher
    ? [...state.touched, ...state.watcher.takeRecords().map((record) => record.target)]
    : [];
  const changed = new Set();
  const change = (element) => {
    for (let node = element; node; node = node.parentElement) changed.add(node);
    for (const inner of element.querySelectorAll('*')) changed.add(inner);
  };
  if (state.shown) {
    for (const [element, shown] of shownNow) {
      if (state.shown.get(element) !== shown) change(element);
    }
    for (const element of touched) if (element.nodeType === 1) change(element);
  }
  state.shown = shownNow;

  // The looks of texts and links.
  const backdrops = new Map();
  const PLAIN = 'rgba(0, 0, 0, 0) none 1 none normal none';
  const backdropOf = (element) => {
    // Everything behind an element that can change how its colours look.
    if (!element || element.nodeType !== 1) return '';
    if (backdrops.has(element)) return backdrops.get(element);
    const style = getComputedStyle(element);
    const own = [style.backgroundColor, style.backgroundImage, style.opacity, style.filter,
                 style.mixBlendMode, style.backdropFilter].join(' ');
    const opaque = /^rgb\(/.test(style.backgroundColor) && style.opacity === '1' &&
                   style.filter === 'none' && style.mixBlendMode === 'normal';
    const below = opaque ? '' : backdropOf(element.parentElement);
    const key = own === PLAIN ? below : (below ? own + ' / ' + below : own);
    backdrops.set(element, key);
    return key;
  };
  const TEXT = ['color', 'font-size', 'font-weight', 'font-style', 'text-shadow',
                '-webkit-text-stroke-color', '-webkit-text-fill-color'];
  const LINK = [...TEXT, 'display', 'text-decoration-line', 'text-decoration-style',
                'text-decoration-color', 'text-decoration-thickness', 'border-bottom-style',
                'border-bottom-width', 'border-bottom-color', 'outline-style', 'outline-width',
                'outline-color', 'background-color', 'background-image'];
  const styleOf = (element, names, pseudo) => {
    const style = getComputedStyle(element, pseudo);
    return names.map((name) => style.getPropertyValue(name)).join(' ');
  };
  const BLOCK = /^(block|list-item|table|flex|grid|inline-block)$|^table-/;
  const textLook = (node) => {
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(node.nodeName)) return null;  // no dedup
    // Without text of its own an element is not for color-contrast (axe says the same).
    let text = false;
    for (const child of node.childNodes) {
      if (child.nodeType === 3 && child.data.trim()) { text = true; break; }
    }
    if (!text) return false;
    return 'text: ' + styleOf(node, TEXT) + ' | ' + backdropOf(node);
  };
  const linkLook = (node) => {
    let block = node.parentElement;
    while (block && !BLOCK.test(getComputedStyle(block).display)) block = block.parentElement;
    return 'link: ' + styleOf(node, LINK) + ' | ' + styleOf(node, ['content'], '::before') +
      ' ' + styleOf(node, ['content'], '::after') + ' | ' + backdropOf(node) + ' || ' +
      (block ? styleOf(block, LINK) + ' | ' + backdropOf(block) : '');
  };
  const BY_LOOK = {'color-contrast': textLook, 'link-in-text-block': linkLook};

  const checks = axe._audit.checks;
  const lookOf = new Map();
  const checked = new Set();
  const skip = {};
  for (const rule of axe._audit.rules) {
    if (!rule.bookMatches) rule.bookMatches = rule.matches;
    const original = rule.bookMatches;
    const lookFor = BY_LOOK[rule.id];
    if (lookFor) {
      rule.matches = function (node, virtualNode, ...rest) {
        const look = lookFor(node);
        if (look === false) return false;
        // A look already checked needs no second element: skip axe's own (dear) test.
        if (look && state.looks.has(look)) return false;
        if (!original.call(this, node, virtualNode, ...rest)) return false;
        if (look) {
          state.looks.add(look);
          lookOf.set(node, look);
        }
        return true;
      };
      continue;
    }
    const compares = [...rule.any, ...rule.all, ...rule.none]
      .some((check) => (checks[check.id || check] || {}).after);
    if (!state.settled.has(rule.id)) state.settled.set(rule.id, new WeakSet());
    const settled = state.settled.get(rule.id);
    const again = LAYOUT.has(rule.id) || rule.pageLevel || (compares && !ALONE.has(rule.id));
    if (!rule.bookSelector) rule.bookSelector = rule.selector;
    rule.selector = rule.bookSelector;
    if (state.runs && !again) {
      if (![...changed].some((node) => node.matches(rule.bookSelector))) {
        skip[rule.id] = {enabled: false};  // nothing new for it at this width
      } else {
        // Only the changed elements are gathered: axe spends most of a run finding
        // and sifting every candidate of every rule on a page of 14,000 elements.
        rule.selector = onlyChanged(rule.bookSelector);
      }
    }
    rule.matches = function (node, virtualNode, ...rest) {
      if (!again && settled.has(node) && !changed.has(node)) return false;
      const applies = original.call(this, node, virtualNode, ...rest);
      if (applies) settled.add(node);
      return applies;
    };
  }
  // The looks checked in this run, for the pages still to come.  ("Can't tell",
  // which axe says of some links, is no failure; another element of the same
  // look would get the same answer.)
  for (const id of Object.keys(BY_LOOK)) {
    const check = checks[id];
    if (!check.bookEvaluate) check.bookEvaluate = check.evaluate;
    check.evaluate = function (node, ...rest) {
      if (lookOf.has(node)) checked.add(lookOf.get(node));
      return check.bookEvaluate.call(this, node, ...rest);
    };
  }

  state.runs += 1;
  for (const node of changed) node.setAttribute(MARK, '');
  let results;
  try {
    results = await axe.run(document, {resultTypes: ['violations'], iframes: false, rules: skip});
  } finally {
    for (const node of changed) node.removeAttribute(MARK);
  }
  // From here to the next run, note every element whose attributes change.
  if (!state.watcher) {
    state.watcher = new MutationObserver((records) => {
      for (const record of records) state.touched.push(record.target);
    });
    state.watcher.observe(document, {attributes: true, subtree: true});
  }
  state.watcher.takeRecords();
  state.touched = [];
  const violations = results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    width,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(' '),
      html: node.html.replace(/ data-book-changed=""/g, '').replace(/\s+/g, ' ').slice(0, 160),
    })),
  }));
  return {violations, looks: [...checked]};
}
