// Evaluated in each page of the built book by test_browser.py once it has loaded.
// Waits for MathJax to finish, then returns the problems a reader would see.
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    if (MathJax.typesetPromise) { await MathJax.typesetPromise(); }
  }
  await document.fonts.ready;
  const problems = [];

  // Every math node must have been typeset.
  const mathNodes = document.querySelectorAll('.math');
  for (const node of mathNodes) {
    if (!node.querySelector('mjx-container')) {
      problems.push('raw TeX (not typeset): ' + node.textContent.trim().slice(0, 80));
    }
  }
  // MathJax marks TeX it could not parse (an unbalanced brace, an unknown macro).
  for (const node of document.querySelectorAll('mjx-merror, [data-mjx-error]')) {
    const message = node.getAttribute('data-mjx-error') || node.textContent;
    problems.push('MathJax error: ' + message.trim().slice(0, 120));
  }
  // TeX left in the reading text: $...\macro...$, \( \) \[ \], or a bare \frac.
  const root = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const skip = 'pre, code, script, style, textarea, .highlight, .math, mjx-container';
  const texLike = new RegExp(
    String.raw`(\$[^$\s][^$]*\\[a-zA-Z]+[^$]*\$)|(\\\(|\\\)|\\\[|\\\])|(\\(frac|partial|mathrm|sigma)\b)`);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(skip)) continue;
    if (texLike.test(node.textContent)) {
      problems.push('raw TeX in text: ' + node.textContent.trim().slice(0, 80));
    }
  }
  // Every image must load, and fit the page.
  const images = [...document.images];
  for (const img of images) {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push('image failed to load: ' + img.getAttribute('src'));
    }
  }
  const pageWidth = document.documentElement.clientWidth;
  for (const img of images) {
    if (img.naturalWidth > 0 && img.closest('main') &&
        img.getBoundingClientRect().right > pageWidth + 1) {
      problems.push('image wider than the page: ' + img.getAttribute('src'));
    }
  }
  return {problems, math: mathNodes.length, images: images.length};
}
