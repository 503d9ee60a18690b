import AffirmCore
import ArgumentParser
import Foundation
import Testing

@testable import affirm

/// `affirm send` has two readers of its command line: argument-parser, and a quick one for the
/// plain lines cron and hotkeys use. Whatever the quick one accepts, argument-parser must read
/// the same way; whatever it declines falls through to argument-parser, so declining is safe.
@Suite(.timeLimit(.minutes(2))) struct QuickParsingTests {
  /// What argument-parser makes of a `send` command line (after `send`), validation included;
  /// nil when it refuses the line.
  private func fullParse(_ arguments: [String]) -> SendRequest? {
    (try? AffirmCommand.Send.parse(arguments))?.request
  }

  @Test(arguments: [
    [],
    ["--dry-run"],
    ["--dry-run", "--json"],
    ["--tag", "morning"],
    ["--tag", "late-night", "--tag", "urge", "--urgency", "critical"],
    ["--tag=urge", "--urgency=low", "--timeout=0"],
    ["--timeout", "30", "--wait"],
    ["--corpus", "/home/someone/lines.txt", "--corpus", "more", "--config", "/etc/affirm.toml"],
    ["--dry-run", "--corpus", "/tmp/large.txt"],
    ["--seed", "18446744073709551615", "--dry-run", "--json", "--tag", "healing"],
    ["--config=with=equals.toml"],
  ])
  func plainLinesAreReadQuicklyAndTheSame(_ arguments: [String]) throws {
    let quick = try #require(SendRequest(quickParsing: arguments))
    #expect(quick == fullParse(arguments))
  }

  @Test(arguments: [
    ["--help"], ["-h"], ["help"], ["--"], ["--dry-run", "--"],
    ["--tag"], ["--tag="], ["--tag", "-x"], ["--tag", "--dry-run"], ["--timeout=-5"],
    ["--urgency", "loud"], ["--timeout", "soon"], ["--timeout", "3000000"], ["--seed", "-1"],
    ["--json"], ["--wait", "--dry-run"], ["--dry-run", "--dry-run"], ["--dry-run=yes"],
    ["--urgency", "low", "--urgency", "critical"], ["--config", "a", "--config", "b"],
    ["--verbose"], ["--dry"], ["-tag", "x"], ["extra"], ["--version"],
  ])
  func everythingElseIsLeftToArgumentParser(_ arguments: [String]) {
    #expect(SendRequest(quickParsing: arguments) == nil)
  }

  /// Random lines from the options' pieces, right and wrong: the quick reader never accepts a
  /// line argument-parser refuses or reads differently, and accepts every line argument-parser
  /// reads that is written plainly.
  @Test func randomLinesAgree() {
    let pieces: [[String]] = [
      ["--tag", "morning"], ["--tag=urge"], ["--tag", "late-night"], ["--tag"], ["--tag", "--json"],
      ["--urgency", "critical"], ["--urgency=low"], ["--urgency", "Loud"], ["--urgency"],
      ["--timeout", "0"], ["--timeout=45"], ["--timeout", "-3"], ["--timeout", "2147484"], ["--timeout", "x"],
      ["--corpus", "a.txt"], ["--corpus=dir"], ["--corpus", ""], ["--config", "c.toml"], ["--config="],
      ["--dry-run"], ["--json"], ["--wait"], ["--seed", "7"], ["--seed=0x10"], ["-h"], ["--help"],
      ["--"], ["word"], ["--unknown"], ["-"], ["--dry-run=1"],
    ]
    var generator = SplitMix64(seed: 0x5e4d)  // the same lines on every run
    var accepted = 0
    for _ in 0..<1000 {
      let count = Int.random(in: 0...5, using: &generator)
      let arguments = (0..<count).flatMap { _ in pieces.randomElement(using: &generator)! }
      let full = fullParse(arguments)
      if let quick = SendRequest(quickParsing: arguments) {
        accepted += 1
        #expect(quick == full, "\(arguments)")
      } else if let full, isPlain(arguments) {
        Issue.record("declined a plain line argument-parser reads as \(full): \(arguments)")
      }
    }
    #expect(accepted > 100)
  }

  /// The quick reader knows every option `send` has, so a new option cannot be forgotten there
  /// (it would only be declined, but every line using it would then start slowly).
  @Test func knowsEveryOptionOfSend() throws {
    let dump = try #require(
      try JSONSerialization.jsonObject(with: Data(AffirmCommand.Send._dumpHelp().utf8)) as? [String: Any])
    let command = try #require(dump["command"] as? [String: Any])
    let arguments = try #require(command["arguments"] as? [[String: Any]])
    var names: Set<Substring> = []
    var repeatable: Set<Substring> = []
    var flags: Set<Substring> = []
    for argument in arguments {
      let long = (argument["names"] as? [[String: Any]] ?? []).compactMap { name in
        name["kind"] as? String == "long" ? name["name"] as? String : nil
      }
      for name in long where name != "help" {
        let option = Substring("--" + name)
        names.insert(option)
        if argument["kind"] as? String == "flag" { flags.insert(option) }
        if argument["isRepeating"] as? Bool == true { repeatable.insert(option) }
      }
    }
    let quick = SendRequest.quickOptions
    #expect(names == Set(quick.map { Substring($0.name) }))
    #expect(flags == Set(quick.filter { $0.kind == .flag }.map { Substring($0.name) }))
    #expect(repeatable == Set(quick.filter { $0.kind == .repeatable }.map { Substring($0.name) }))
  }

  /// `affirm --version` is answered before argument-parser runs: with what it would print.
  @Test func versionIsArgumentParsersOwn() {
    do {
      _ = try AffirmCommand.parseAsRoot(["--version"])
      Issue.record("argument-parser read --version as a command")
    } catch {
      #expect(AffirmCommand.message(for: error) == AffirmCommand.configuration.version)
    }
  }

  /// Long options only, at most once (but --tag and --corpus), no `--`, values not starting with `-`.
  private func isPlain(_ arguments: [String]) -> Bool {
    var seen: Set<String> = []
    var expectsValue = false
    for argument in arguments {
      if expectsValue {
        if argument.isEmpty || argument.hasPrefix("-") { return false }
        expectsValue = false
        continue
      }
      guard argument.hasPrefix("--"), argument != "--" else { return false }
      let name = String(argument.prefix { $0 != "=" })
      if argument.contains("=")
        && (argument.hasSuffix("=") || argument.split(separator: "=", maxSplits: 1)[1].hasPrefix("-"))
      {
        return false
      }
      if !["--tag", "--corpus"].contains(name), !seen.insert(name).inserted { return false }
      if ["--tag", "--corpus", "--urgency", "--timeout", "--config", "--seed"].contains(name) && !argument.contains("=")
      {
        expectsValue = true
      }
    }
    return !expectsValue
  }
}
