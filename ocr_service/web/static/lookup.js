/* Tra cứu công dân: check the number as typed; "reuse" attaches a found document to the dossier
   being received (the one the Tiếp nhận hồ sơ page keeps in sessionStorage). */
"use strict";

(() => {
  const rules = JSON.parse(document.getElementById("id-rules").textContent);
  const input = document.getElementById("lookup-id");
  const submit = document.getElementById("lookup-submit");
  const update = watchIdInput(input, document.getElementById("lookup-hint"), rules, { allowCmnd: true }, (result) => {
    submit.disabled = result.state !== "ok";
  });
  update();

  let dossier = null;
  try { dossier = JSON.parse(sessionStorage.getItem("receive.dossier")); } catch { dossier = null; }
  if (dossier) {
    document.getElementById("reuse-target").hidden = false;
    document.getElementById("reuse-code").textContent = dossier.code;
  }
  document.querySelectorAll("button.reuse").forEach((button) => {
    if (!dossier) return;
    button.disabled = false;
    button.title = "";
    button.addEventListener("click", async () => {
      if (button.dataset.busy) return;
      button.dataset.busy = "1";
      button.disabled = true;
      button.textContent = "Đang đính kèm…";
      const role = button.closest(".actions").querySelector(".reuse-role").value;
      try {
        await api(`/v1/dossiers/${encodeURIComponent(dossier.code)}/reuse`, { method: "POST", body: { document_id: button.dataset.document, role } });
        button.textContent = "Đã đính kèm vào hồ sơ " + dossier.code;
        button.classList.add("done");
        toast("Đã dùng lại tài liệu cho hồ sơ " + dossier.code, "ok");
      } catch (err) {
        button.textContent = "Dùng lại cho hồ sơ hiện tại";
        button.disabled = false;
        delete button.dataset.busy;
        toast(err.message, "error");
      }
    });
  });
})();
