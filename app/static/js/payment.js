/* FNT Partage: the payment page. Stripe.js (loaded just before, on this page only) shows its
   Payment Element; the card is confirmed with Stripe, which then sends the buyer back to the return
   address, where our server asks Stripe what became of the payment (the webhook says it too). */
(function () {
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.key);
  var elements = stripe.elements({ clientSecret: form.dataset.secret });
  var element = elements.create("payment");
  element.mount("#payment-element");
  var message = document.getElementById("payment-message");
  var button = document.getElementById("payment-submit");

  form.addEventListener("submit", function (event) {
    if (typeof stripe.confirmPayment !== "function") {
      return; // a stand-in without confirmPayment (localstripe): the return page asks the server
    }
    event.preventDefault();
    button.disabled = true;
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.return } })
      .then(function (result) {
        if (result && result.error) {
          message.textContent = result.error.message || form.dataset.error;
          message.hidden = false;
          button.disabled = false;
        }
      });
  });
})();
