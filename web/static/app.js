// Keyboard shortcuts of the review pages: a key clicks (or focuses) the element whose
// data-key attribute names it; keys typed into a field are left alone.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
    if (event.key === "Escape") target.blur();
    // Enter on a choice list sends its form, so a verdict needs no mouse
    if (event.key === "Enter" && target.tagName === "SELECT" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
    }
    return;
  }
  var element = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
  if (!element) return;
  event.preventDefault();
  if (element.tagName === "BUTTON" || element.tagName === "A") element.click();
  else element.focus();
});
