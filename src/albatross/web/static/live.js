// Live PIREP states from the feed (/api/v1/ws, authenticated by the page's session cookie).
// The pages work without it; this only saves a reload. Reconnects with `since` so nothing is missed.
(function () {
  "use strict";
  var STATES = { PirepSubmitted: "pending", PirepAccepted: "accepted", PirepRejected: "rejected" };
  var since = null;
  var delay = 1000;

  function apply(frame) {
    var state = STATES[frame.payload.event_type];
    var streamId = frame.payload.meta && frame.payload.meta.stream_id;
    if (!state || !streamId || streamId.indexOf("pirep-") !== 0) return;
    var id = streamId.slice("pirep-".length);
    document.querySelectorAll('[data-pirep-id="' + CSS.escape(id) + '"] [data-state]').forEach(function (cell) {
      cell.textContent = state;
      cell.className = "state state-" + state;
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/api/v1/ws" + (since === null ? "" : "?since=" + since));
    socket.onmessage = function (message) {
      var frame = JSON.parse(message.data);
      if (frame.type === "welcome" || frame.type === "heartbeat") {
        since = Math.max(since || 0, frame.position);
        delay = 1000;
        document.documentElement.dataset.live = "on";
      } else if (frame.type === "event") {
        since = frame.position;
        apply(frame);
      }
    };
    socket.onclose = function (event) {
      document.documentElement.dataset.live = "off";
      if (event.code === 4401 || event.code === 4403) return; // signed out or not allowed: stay quiet
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
})();
