// Counts, for Artillery, the cursor updates of others that reach each visitor, and how long they took. The sender
// puts its clock (milliseconds, modulo 1000 s) into y, so the receiver needs no shared state: every virtual user
// runs on the same machine and clock.
"use strict";

const clockRange = 1_000_000;

function listen(context, events, done) {
  context.vars.selfId = null;
  context.ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    const messages = Array.isArray(message) ? message : [message];
    const now = Date.now() % clockRange;
    let delivered = 0;
    for (const m of messages) {
      if (m.type === "snapshot") {
        context.vars.selfId = m.selfId;
      } else if (m.type === "cursor" && m.user.id !== context.vars.selfId && m.user.y > 0) {
        delivered++;
        const sentAt = Math.round(m.user.y * clockRange);
        events.emit("histogram", "presence.latency_ms", (now - sentAt + clockRange) % clockRange);
      }
    }

    if (delivered > 0) {
      events.emit("counter", "presence.cursors_delivered", delivered);
    }
  });
  done();
}

// Sends one move, then waits for the next 80 ms slot (the board's send interval): Artillery's think takes whole
// seconds, so the pace is kept here, on a schedule that does not drift.
function moveCursor(context, events, done) {
  const now = Date.now();
  const stamp = (now % clockRange) / clockRange;
  context.ws.send(JSON.stringify({ type: "cursor", x: Math.random(), y: stamp }));
  events.emit("counter", "presence.cursors_sent", 1);
  context.vars.nextMove = (context.vars.nextMove ?? now) + 80;
  setTimeout(done, Math.max(0, context.vars.nextMove - Date.now()));
}

module.exports = { listen, moveCursor };
