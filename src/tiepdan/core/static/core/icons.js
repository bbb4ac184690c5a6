// The lucide icon of that name for an element built in the browser, the same set as {% icon %} in templates.
// It is painted in the text's colour through a CSS mask on the static SVG (app.css .icon-mask), decoration
// only: the text beside it says what it means. Set through the CSSOM, which the CSP allows.
const ICONS = new URL("../vendor/lucide/", import.meta.url);

export function icon(name) {
  const el = document.createElement("span");
  el.className = `icon-mask icon-${name}`;
  el.setAttribute("aria-hidden", "true");
  el.style.setProperty("--icon", `url("${new URL(`${name}.svg`, ICONS)}")`);
  return el;
}
