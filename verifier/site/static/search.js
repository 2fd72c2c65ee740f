// Filters index.html's app list as the user types: each `li[data-search]`
// (its lower-cased app id and names) stays visible when it contains every
// word typed into `#app-search`. Without scripts the whole list shows.
// See verifier/site/API.md.
(function () {
  'use strict';

  // Whether `haystack` (lower-cased) contains every word of `query`.
  function matches(haystack, query) {
    const words = String(query).toLowerCase().split(/\s+/).filter((w) => w !== '');
    return words.every((w) => haystack.indexOf(w) >= 0);
  }

  function filter(input) {
    const items = document.querySelectorAll('li[data-search]');
    let shown = 0;
    for (const li of items) {
      const show = matches(li.getAttribute('data-search') || '', input.value);
      li.hidden = !show;
      if (show) shown++;
    }
    const count = document.getElementById('app-search-count');
    if (count) {
      count.textContent = input.value.trim() === '' ? '' :
        shown + ' of ' + items.length + (items.length === 1 ? ' app' : ' apps');
    }
  }

  window.CandorSearch = { matches };

  function init() {
    const input = document.getElementById('app-search');
    if (!input) return;
    input.addEventListener('input', () => filter(input));
    if (input.value !== '') filter(input);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
