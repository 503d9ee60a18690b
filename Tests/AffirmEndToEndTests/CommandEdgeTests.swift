import AffirmTestSupport
import Foundation
import Testing

/// Edges of single commands found by a hostile probe: paths, dates, disks, links, TZ.
@Suite("command edges: install paths, reset dates, config init on a full disk, TZ, links", .timeLimit(.minutes(10)))
struct CommandEdgeTests {
  @Test("config init --config with a relative path makes its directories under the working directory")
  func relativeConfigInit() throws {
    let home = try InstallHome()
    let name = "affirm-relative-\(UUID().uuidString)"
    // Made from the root instead, they would land in /\(name)/dir (and the write would fail).
    defer { try? FileManager.default.removeItem(atPath: "/" + name) }
    let result = try runProcess(
      "/bin/sh",
      [
        "-c", "cd \"$1\" && exec \"$2\" config init --config \"$3\"", "sh", home.path, Affirm.binary,
        name + "/dir/config.toml",
      ],
      environment: home.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: home.path + "/" + name + "/dir/config.toml"))
    #expect(!FileManager.default.fileExists(atPath: "/" + name))
  }

  @Test("install --autostart and --cron refuse a running binary whose path holds a newline, as --binary does")
  func defaultBinaryPathValidated() throws {
    let home = try InstallHome()
    // The binary itself, reached through a directory whose name holds a newline: /proc/self/exe
    // then names that directory, and a raw newline would split Exec= or add a crontab line.
    let directory = home.path + "/apps\n0 * * * * touch " + home.path + "/injected #"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let binary = directory + "/affirm"
    if link(resolvedBinary, binary) != 0 { try FileManager.default.copyItem(atPath: resolvedBinary, toPath: binary) }
    for arguments in [["install", "--autostart"], ["install", "--cron"], ["install"]] {
      let result = try runProcess(binary, arguments, environment: home.environment)
      #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
      #expect(result.stdout == "", "\(arguments) printed: \(result.stdout)")
      #expect(result.stderr.contains("it contains a control character (such as a newline)"), "\(result.stderr)")
      #expect(result.stderr.contains("/apps\\u{A}0 * * * *"), "the path is shown with its newline made visible")
      #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)")
    }
    let listing = try home.listing()
    #expect(listing.allSatisfy { !$0.hasPrefix(".config") }, "nothing written: \(listing)")
    // The same binary through a plain path still installs.
    let plain = home.path + "/affirm"
    if link(resolvedBinary, plain) != 0 { try FileManager.default.copyItem(atPath: resolvedBinary, toPath: plain) }
    let cron = try runProcess(plain, ["install", "--cron"], environment: home.environment)
    #expect(cron.status == 0, "\(cron.stderr)")
    #expect(cron.stdout.contains("0 8 * * * \(plain) send --tag morning\n"))
  }

  @Test("reset --date refuses a date after today (64) and records nothing; today and earlier are taken")
  func resetRefusesFutureDates() throws {
    let home = try DaemonHome()
    let environment = try home.environment(bus: "unix:path=/nonexistent")
    let future = try Affirm.run(["reset", "--date", "2999-01-01", "--config", home.config], environment: environment)
    #expect(future.status == 64, "\(future.stdout)\(future.stderr)")
    #expect(future.stdout == "")
    #expect(future.stderr.hasPrefix("affirm: --date 2999-01-01 is after today ("))
    #expect(future.stderr.hasSuffix("); day 1 of no contact is today or earlier\n"))
    // Tomorrow in the config's zone (UTC), computed here: refused too.
    let tomorrow = ISO8601DateFormatter.string(
      from: Date().addingTimeInterval(86_400), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    let next = try Affirm.run(["reset", "--date", tomorrow, "--config", home.config], environment: environment)
    #expect(next.status == 64 || isAroundMidnightUTC(), "\(next.stdout)\(next.stderr)")
    let history = try Affirm.run(["history", "--json", "--config", home.config], environment: environment)
    #expect(!history.stdout.contains("\"reset\""), "\(history.stdout)")

    let past = try Affirm.run(["reset", "--date", "2026-01-01", "--config", home.config], environment: environment)
    #expect(past.status == 0, "\(past.stderr)")
    #expect(past.stdout.contains("Day 1 is 2026-01-01."))
  }

  @Test("config init on a full disk leaves no file at all (never a 0-byte config), exit 73")
  func configInitFullDisk() throws {
    let home = try InstallHome()
    let path = home.path + "/.config/affirm/config.toml"
    // A file-size limit of 0 makes every write into a regular file fail with EFBIG, as a full
    // disk does: the first write of the text fails after the file was created. Only the
    // subshell has the limit, so its stderr, and then its exit status, still reach the test
    // through cat.
    let script = "{ (trap '' XFSZ; ulimit -f 0; exec \"$0\" config init) 2>&1; echo \"exit $?\"; } | cat"
    let result = try runProcess("/bin/sh", ["-c", script, Affirm.binary], environment: home.environment)
    #expect(result.stdout == "affirm: cannot write \(path): File too large\nexit 73\n")
    #expect(!FileManager.default.fileExists(atPath: path), "a config was left behind")
    #expect(try FileManager.default.contentsOfDirectory(atPath: home.path + "/.config/affirm") == [])
    // Then, with room, it is written whole.
    let retry = try home.affirm(["config", "init"])
    #expect(retry.status == 0, "\(retry.stderr)")
    #expect(try home.read(path).contains("[[slot]]"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: home.path + "/.config/affirm") == ["config.toml"])
  }

  @Test("check warns about a config with no slots (exit 0), as doctor does")
  func checkWarnsAboutNoSlots() throws {
    let home = try InstallHome()
    let empty = home.path + "/empty.toml"
    try "".write(toFile: empty, atomically: true, encoding: .utf8)
    let result = try home.affirm(["check", "--config", empty])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.hasPrefix(
        "warning: \(empty): no slots, so affirm run shows nothing (add a [[slot]]; see affirm config init)\n"))
    #expect(result.stdout.contains("config \(empty): 0 slots"))
  }

  @Test("check names every config error, one located line each in file order (65); send names the first")
  func checkReportsEveryConfigError() throws {
    let home = try InstallHome()
    let path = home.path + "/config.toml"
    try """
    timezone = "Mars/Olympus"
    Cooldown = "3d"

    [[slot]]
    name = "morning"
    at = ["25:00"]
    days = ["mon"]

    [[slot]]
    name = "night"
    from = "23:00"
    until = "02:00"
    every = "30s"
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let check = try home.affirm(["check", "--config", path])
    #expect(check.status == 65, "\(check.stderr)")
    let lines = check.stdout.split(separator: "\n").filter { $0.hasPrefix(path + ":") }.map(String.init)
    #expect(
      lines.map { $0.dropFirst(path.count + 1).prefix(while: { $0 != " " }) } == ["1:12:", "2:1:", "6:7:", "13:9:"],
      "\(check.stdout)")
    #expect(check.stderr.contains("4 problems found"), "\(check.stderr)")
    let send = try home.affirm(["send", "--dry-run", "--config", path])
    #expect(send.status == 65)
    #expect(send.stderr == "affirm: \(lines[1])\n", "\(send.stderr)")
  }

  @Test("check --corpus with no config file blames no line of the built-in default; it warns, exit 0")
  func checkCorpusWithoutConfig() throws {
    let home = try InstallHome()
    let corpus = home.path + "/mine.txt"
    try "[evening]\nA line of my own.\n".write(toFile: corpus, atomically: true, encoding: .utf8)
    let result = try home.affirm(["check", "--corpus", corpus])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.contains("(built-in default):"), "\(result.stdout)")
    #expect(
      result.stdout.contains(
        "warning: no config file; the built-in schedule's slot \"morning\" uses tag \"morning\" that no corpus entry carries"
      ))
    #expect(result.stdout.contains("\nok: 1 entry (evening 1); config built-in default: 2 slots\n"))
  }

  @Test("pause -1h is a usage error (64), not the help with exit 0")
  func pauseNegative() throws {
    let home = try DaemonHome()
    for duration in ["-1h", "-30m", "-1"] {
      let result = try Affirm.run(
        ["pause", duration, "--config", home.config], environment: home.environmentWithoutBus)
      #expect(result.status == 64, "\(duration): \(result.stdout)")
      #expect(result.stdout == "")
      #expect(result.stderr.hasPrefix("Error: \"\(duration)\" is not a duration; write it like 30m, 2h or 1d\n"))
    }
    let status = try Affirm.run(["status", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(status.stdout.contains("Not paused"), "\(status.stdout)")
  }

  @Test("a TZ that names no zone is said once on stderr, and UTC applies")
  func garbageTZ() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"m\"\nat = [\"08:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    var environment = home.environmentWithoutBus
    environment["TZ"] = "Mars/Olympus_Mons"
    let result = try Affirm.run(
      ["next", "--count", "2", "--from", "2027-01-01T00:00", "--config", home.config], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr
        == "affirm: TZ=\"Mars/Olympus_Mons\" names no time zone (use a name like Europe/Berlin); "
        + "UTC applies where the config sets no timezone\n")
    #expect(result.stdout.hasPrefix("2027-01-01T08:00:00+00:00"), "\(result.stdout)")
    for good in ["UTC", "Europe/Berlin", ":Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", ""] {
      environment["TZ"] = good
      let quiet = try Affirm.run(["next", "--count", "1", "--config", home.config], environment: environment)
      #expect(quiet.status == 0)
      #expect(quiet.stderr == "", "TZ=\(good): \(quiet.stderr)")
    }
  }

  @Test("a dangling symlink at the default config path is named (66), not silently the built-in default")
  func danglingConfigLink() throws {
    let home = try InstallHome()
    let path = home.path + "/.config/affirm/config.toml"
    try FileManager.default.createDirectory(atPath: home.path + "/.config/affirm", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: home.path + "/dotfiles/affirm.toml")
    for command in [["next", "--count", "1"], ["config", "show"], ["check"]] {
      let result = try home.affirm(command)
      #expect(result.status == 66, "\(command): \(result.stdout)")
      #expect(
        result.stderr
          == "affirm: cannot read config \(path): it is a symbolic link to \(home.path)/dotfiles/affirm.toml, "
          + "which cannot be followed (no such file or directory); fix the link, or remove it to use the built-in default\n"
      )
    }
    // No file and no link: the built-in default, quietly.
    try FileManager.default.removeItem(atPath: path)
    let fallback = try home.affirm(["config", "show"])
    #expect(fallback.status == 0)
    #expect(fallback.stdout.hasPrefix("# from the built-in default (no config file)\n"))
  }
}

/// Within a minute of midnight UTC, "tomorrow" computed here may already be today there.
func isAroundMidnightUTC() -> Bool {
  let seconds = Int(Date().timeIntervalSince1970) % 86_400
  return seconds < 60 || seconds > 86_340
}
