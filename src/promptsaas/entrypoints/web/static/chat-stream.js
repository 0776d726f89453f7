// The chat's reply as the model writes it. The composer is sent with fetch to its data-stream route; the reply's
// pieces are added as text (never as markup), then the server's exchange fragment replaces them, so the limits,
// the thread link and a refusal look as they do without streaming. Without this script the form posts as usual.
(function () {
  "use strict";

  function bubble(role, who, text) {
    var item = document.createElement("li");
    item.className = "msg " + role;
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = who;
    var body = document.createElement("div");
    body.className = "text";
    body.textContent = text;
    item.append(name, body);
    return item;
  }

  function swapIn(html, response) {
    var target = (response && response.headers.get("HX-Retarget")) || "#thread";
    var style = (response && response.headers.get("HX-Reswap")) || "beforeend";
    htmx.swap(document.querySelector(target), html, {swapStyle: style});
  }

  // Calls `handle(name, data)` for every server-sent event of the response, in order.
  async function readEvents(response, handle) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffered = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) return;
      buffered += decoder.decode(chunk.value, {stream: true});
      var end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        var name = "message", data = "";
        buffered.slice(0, end).split("\n").forEach(function (line) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        });
        buffered = buffered.slice(end + 2);
        handle(name, JSON.parse(data));
      }
    }
  }

  async function send(form) {
    var box = form.querySelector("[name=input]");
    var button = form.querySelector("button[type=submit]");
    var thread = document.getElementById("thread");
    var said = box.value.trim();
    button.disabled = true;
    try {
      var response = await fetch(form.dataset.stream, {
        method: "POST",
        body: new FormData(form),
        headers: {"HX-Request": "true", "Accept": "text/event-stream"},
        credentials: "same-origin",
      });
      if (response.headers.get("HX-Redirect")) {  // signed out meanwhile
        window.location.assign(response.headers.get("HX-Redirect"));
        return;
      }
      if (!(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
        swapIn(await response.text(), response);  // refused before the reply began: the notice fragment
        return;
      }
      box.value = "";
      var pictures = form.querySelector("[name=image]");  // sent with the FormData above; not again
      if (pictures) pictures.value = "";
      var asked = bubble("user", "You", said);
      var answer = bubble("assistant", document.getElementById("agent-name").textContent, "");
      answer.classList.add("streaming");
      thread.append(asked, answer);
      var reply = answer.querySelector(".text");
      await readEvents(response, function (name, data) {
        if (name === "delta") {
          reply.textContent += data.text;
          answer.scrollIntoView({block: "nearest"});
        } else if (name === "done") {
          asked.remove();
          answer.remove();
          swapIn(data.html);
        } else if (name === "error") {
          answer.classList.remove("streaming");
          swapIn(data.html);
        }
      });
    } catch (error) {
      document.getElementById("notice").textContent = "The connection was lost; please send again.";
    } finally {
      button.disabled = false;
      box.focus();
      if (thread.lastElementChild) thread.lastElementChild.scrollIntoView({block: "nearest"});
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-stream]") || !window.fetch || !window.TextDecoder) return;
    event.preventDefault();
    send(form);
  });
})();
