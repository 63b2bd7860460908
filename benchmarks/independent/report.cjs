// Reads Artillery's JSON report and the server's CPU samples, and prints, for the periods in which every visitor
// was moving, what Presence.LoadTest prints: deliveries per second, latency, and server CPU per million deliveries.
//   node report.cjs artillery.json cpu.tsv
"use strict";

const fs = require("fs");
const [reportPath, cpuPath] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(reportPath, "utf8"));
const cpu = fs.readFileSync(cpuPath, "utf8").trim().split("\n").map((line) => line.split("\t").map(Number));

// CPU seconds used by the server at a given time, interpolated between the one-second samples.
function cpuAt(ms) {
  for (let i = 1; i < cpu.length; i++) {
    if (cpu[i][0] >= ms) {
      const [t0, c0] = cpu[i - 1];
      const [t1, c1] = cpu[i];
      return c0 + ((c1 - c0) * (ms - t0)) / Math.max(1, t1 - t0);
    }
  }
  return cpu[cpu.length - 1][1];
}

// The first and last periods hold the arrivals and departures: only the full ones in between count.
const periods = report.intermediate.filter((p) => p.counters["presence.cursors_delivered"]);
const steady = periods.slice(1, -1);
let delivered = 0;
let seconds = 0;
let cpuSeconds = 0;
for (const p of steady) {
  const from = Number(p.firstMetricAt);
  const to = Number(p.lastMetricAt);
  delivered += p.counters["presence.cursors_delivered"];
  seconds += (to - from) / 1000;
  cpuSeconds += cpuAt(to) - cpuAt(from);
}

const latency = report.aggregate.summaries["presence.latency_ms"];
const sent = report.aggregate.counters["presence.cursors_sent"];
const result = {
  tool: "artillery",
  vusers: report.aggregate.counters["vusers.created"],
  failed: report.aggregate.counters["vusers.failed"] ?? 0,
  sent,
  deliveredTotal: report.aggregate.counters["presence.cursors_delivered"],
  steadySeconds: Math.round(seconds * 10) / 10,
  deliveriesPerSecond: Math.round(delivered / seconds),
  p50Ms: latency.median,
  p99Ms: latency.p99,
  maxMs: latency.max,
  serverCpuSecondsPerMillionDeliveries: Math.round((cpuSeconds / (delivered / 1e6)) * 1000) / 1000,
};
console.log(`steady ${result.steadySeconds} s: ${result.deliveriesPerSecond} deliveries/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, server CPU ${result.serverCpuSecondsPerMillionDeliveries} s per million deliveries`);
console.log("RESULT " + JSON.stringify(result));
