/* FNT Partage: after htmx swapped a field's error message out of band (templates/_forms.html,
   error_slot), mark the field invalid or valid to match, for assistive technologies and the CSS. */
document.addEventListener("htmx:oobAfterSwap", function (event) {
  var slot = event.target; // the new element (detail.target is the one it replaced)
  if (!slot || !slot.id || slot.id.slice(-6) !== "-error") {
    return;
  }
  var input = document.getElementById(slot.id.slice(0, -6));
  if (!input) {
    return;
  }
  var invalid = slot.textContent.trim() !== "";
  if (invalid) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
  var wrapper = input.closest(".field");
  if (wrapper) {
    wrapper.classList.toggle("has-error", invalid);
  }
});
