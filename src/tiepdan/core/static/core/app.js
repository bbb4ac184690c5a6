// Behaviour every back-office page shares. A module loaded from a file: the CSP refuses inline script.

// A form that failed shows an error summary (core/forms.py); focusing it makes a screen reader read it
// and puts a keyboard user right above the links to each field (WCAG 3.3.1, 4.1.3). The same after an
// htmx swap brings a form back with its errors.
function focusErrorSummary(root) {
  const summary = root.querySelector("[data-error-summary]");
  if (summary) summary.focus();
}
focusErrorSummary(document);
document.body.addEventListener("htmx:afterSettle", (event) => focusErrorSummary(event.detail.elt));

// A read-only address to copy (the calendar feed) selects itself on click.
document.addEventListener("click", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
