// Drag and drop on the pipeline board. Without this file every card has a "Move to" form; with it,
// a dropped card posts that same form (CSRF token and version included) and asks for JSON back.
// A refused move or a stale version shows the server's message and puts the card back.
(() => {
  "use strict";

  const showError = (message) => {
    const box = document.querySelector(".board-error");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  };

  const refresh = async (board) => {
    // Reload the board from the server: counts, totals and the moved card's new move form.
    const response = await fetch(board.dataset.refresh, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.getElementById("board");
    if (fresh) {
      board.innerHTML = fresh.innerHTML;
      wire(board);
    }
  };

  const move = async (board, card, column) => {
    const form = card.querySelector("details.moveto form");
    if (!form) return;
    const stageId = column.dataset.stageId;
    if (column.dataset.kind !== "open") {
      // Won and lost need a reason: open the card's own form with the stage chosen.
      const details = card.querySelector("details.moveto");
      details.open = true;
      form.elements.stage_id.value = stageId;
      form.elements.close_reason_id.focus();
      return;
    }
    const origin = card.parentElement;
    const next = card.nextElementSibling;
    column.querySelector("ol.cards").prepend(card);
    const data = new FormData(form);
    data.set("stage_id", stageId);
    data.set("version", card.dataset.version);
    data.delete("close_reason_id");
    card.classList.add("saving");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
        credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({ ok: false, error: response.statusText }));
      if (!response.ok || !body.ok) throw new Error(body.error || response.statusText);
      showError("");
      card.dataset.version = body.version;
      await refresh(board);
    } catch (error) {
      origin.insertBefore(card, next);
      showError(error.message);
      card.classList.remove("saving");
      // After a conflict the card may have moved elsewhere meanwhile: show the board as it is now.
      await refresh(board);
    }
  };

  let dragged = null;

  const wire = (board) => {
    board.querySelectorAll("li.opp[draggable=true]").forEach((card) => {
      card.addEventListener("dragstart", (event) => {
        dragged = card;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.dataset.id);
        const targets = (card.dataset.targets || "").split(",");
        board.querySelectorAll(".column").forEach((col) => {
          col.classList.toggle("can-drop", targets.includes(col.dataset.stageId));
        });
      });
      card.addEventListener("dragend", () => {
        board.querySelectorAll(".column").forEach((col) => col.classList.remove("can-drop", "over"));
      });
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    const board = document.getElementById("board");
    if (!board) return;
    board.classList.add("js");
    wire(board);
    board.addEventListener("dragover", (event) => {
      const column = event.target.closest(".column");
      if (!column || !dragged) return;
      event.preventDefault();
      column.classList.add("over");
    });
    board.addEventListener("dragleave", (event) => {
      const column = event.target.closest(".column");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("over");
    });
    board.addEventListener("drop", (event) => {
      const column = event.target.closest(".column");
      if (!column || !dragged) return;
      event.preventDefault();
      const card = dragged;
      dragged = null;
      column.classList.remove("over");
      if (column.dataset.stageId === card.dataset.stage) return;
      // The server decides whether the move is allowed; a refused one comes back with its reason.
      move(board, card, column);
    });
  });
})();
