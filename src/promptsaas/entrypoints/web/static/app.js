// After a message is sent with htmx, clear the composer's message box and keep the keyboard there.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest && event.target.closest("form[data-clear]");
  if (!form || !event.detail.successful) return;
  var box = form.querySelector("[name='" + form.dataset.clear + "']");
  if (box) { box.value = ""; box.focus(); }
  var thread = document.getElementById("thread");
  if (thread && thread.lastElementChild) thread.lastElementChild.scrollIntoView({block: "nearest"});
});
// A button with data-confirm asks before its form is sent.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// An opened conversation shows its latest messages.
document.addEventListener("DOMContentLoaded", function () {
  var thread = document.getElementById("thread");
  if (thread) thread.scrollTop = thread.scrollHeight;
});
