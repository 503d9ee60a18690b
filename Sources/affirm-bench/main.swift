import AffirmCore
import AffirmSimulation
import AffirmSystem
import Glibc
import Logging

// affirm-bench DAYS: runs the daemon loop over DAYS simulated days of the built-in schedule,
// from now, in the system's zone, with a clock that jumps to each deadline; prints how many
// deliveries it made. The loop is the daemon's own; only the host is simulated. Built for
// scripts/bench, never installed.
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let days = Int(arguments.first!), days >= 0, days <= 100_000 else {
  let usage = "usage: affirm-bench DAYS (0 to 100000)\n"
  _ = usage.withCString { write(2, $0, strlen($0)) }
  exit(64)
}
var environment: [String: String] = [:]
if let tz = getenv("TZ") { environment["TZ"] = String(cString: tz) }
let schedule = Config.builtInDefault.schedule(environment: environment)
let start = Instant(seconds: Int64(time(nil)))
var host = SimulatedDaemonHost(start: start, end: start.adding(seconds: Int64(days) * 86_400))
var loop = DaemonLoop(
  schedule: schedule, marks: [:], logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
_ = loop.run(host: &host)
print("simulated \(days) days: \(host.delivered.count) deliveries")
