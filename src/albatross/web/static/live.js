// Live PIREP states from the feed (/api/v1/ws, authenticated by the page's session cookie).
// The pages work without it; this only saves a reload. Reconnects with `since` so nothing is missed.
(function () {
  "use strict";
  var STATES = { PirepSubmitted: "pending", PirepAccepted: "accepted", PirepRejected: "rejected" };
  var since = null;
  var delay = 1000;
  // The live map (/live): fetched again when a flight starts, moves or ends, at most every 2 s,
  // with min_position so the server answers only once its read models include that event.
  var MAP_EVENTS = {
    PirepCreated: 1, PirepUpdated: 1, PirepPhaseChanged: 1, PositionsRecorded: 1, PirepSubmitted: 1, PirepCancelled: 1
  };
  var REFRESH_MS = 2000;
  var mapBox = document.querySelector("[data-live-map]");
  var mapWanted = 0;
  var mapShown = 0;
  var mapTimer = null;
  var mapFetched = 0;
  var mapRetries = 0;

  function refreshMapSoon(position) {
    mapWanted = Math.max(mapWanted, position);
    if (mapTimer !== null) return;
    mapTimer = setTimeout(refreshMap, Math.max(0, mapFetched + REFRESH_MS - Date.now()));
  }

  function retryMap(position) {
    if (++mapRetries <= 5) refreshMapSoon(position); // the next event tries again anyway
  }

  function refreshMap() {
    var position = mapWanted;
    mapTimer = null;
    mapFetched = Date.now();
    fetch(mapBox.dataset.liveMap + "?min_position=" + position, { credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.status === 503) retryMap(position); // read models behind: try again
        if (!response.ok || response.redirected || type.indexOf("image/svg+xml") !== 0) return;
        return response.text().then(function (svg) {
          mapRetries = 0;
          if (position < mapShown) return; // an older answer overtaken by a newer one
          mapShown = position;
          mapBox.innerHTML = svg;
          mapBox.dataset.position = String(position);
        });
      })
      .catch(function () { retryMap(position); });
  }

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
        if (mapBox && MAP_EVENTS[frame.payload.event_type]) refreshMapSoon(frame.position);
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
