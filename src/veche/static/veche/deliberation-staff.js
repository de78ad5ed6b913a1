// The statements' staff page: a refused decision (a rejection without its reason, a rate limit) comes
// back as the statement's row with the message at its field; htmx swaps it in like a success.
// Without this file the forms post and the page comes back whole.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if ((status === 400 || status === 429) && source && source.closest("[data-swap-refusals]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
