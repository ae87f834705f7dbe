// linli-hub operator pages: small conveniences only; every page works without
// script (the forms post as they are, and the hub checks everything).
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  // Ticking "reject this record" makes its reason required and focuses it.
  for (const box of document.querySelectorAll('input[name="except"]')) {
    const why = document.querySelector(`input[name="why_${box.value}"]`);
    if (!why) continue;
    const sync = () => { why.required = box.checked; };
    box.addEventListener('change', () => { sync(); if (box.checked) why.focus(); });
    sync();
  }
  // Rejecting a whole batch needs a reason; ask for it before posting.
  const reject = document.getElementById('reject');
  const reason = document.getElementById('reject-reason');
  if (reject && reason) {
    reject.addEventListener('click', (ev) => {
      for (const box of document.querySelectorAll('input[name="except"]')) {
        const why = document.querySelector(`input[name="why_${box.value}"]`);
        if (why) why.required = false;
      }
      if (!reason.value.trim()) { ev.preventDefault(); reason.required = true; reason.reportValidity(); }
    });
  }
  const accept = document.getElementById('accept');
  if (accept && reason) accept.addEventListener('click', () => { reason.required = false; });
});
