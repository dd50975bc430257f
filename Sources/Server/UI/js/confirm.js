// The confirmation dialog for actions that change the cluster.

/**
 * Asks for confirmation in the page's modal dialog with `title`, `content` (nodes, e.g. options the caller
 * reads afterwards) and an `ok` button label. Resolves true when confirmed, false when cancelled or closed.
 */
export function confirmAction(title, ok, content) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-body").replaceChildren(...content);
  document.getElementById("confirm-ok").textContent = ok;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}
