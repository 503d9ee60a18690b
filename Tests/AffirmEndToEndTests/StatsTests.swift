import AffirmTestSupport
import Foundation
import Testing

/// `affirm stats`' weeks through the binary: the terminal chart, `--json`, and `--svg FILE`
/// parsed as XML and rendered by rsvg-convert.
@Suite("stats: urges and waves per week, JSON and SVG", .timeLimit(.minutes(10)))
struct StatsTests {
  /// The Monday (UTC) of the week `weeksBack` weeks before this one, as days since the epoch.
  func monday(weeksBack: Int) -> Int {
    let today = Int(Date().timeIntervalSince1970) / 86_400
    return today - (today + 3) % 7 - 7 * weeksBack
  }

  func iso(_ days: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date(timeIntervalSince1970: Double(days) * 86_400))
  }

  /// A home whose journal has urges one, four and eight weeks back and two waves that passed
  /// last week, in a config that counts in UTC and a streak that began 17 days ago.
  func seededHome() throws -> (home: DaemonHome, environment: [String: String], weeks: [Int]) {
    let home = try DaemonHome()
    try "timezone = \"UTC\"\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    let environment = try home.environment(bus: "unix:path=/nonexistent")
    let today = Int(Date().timeIntervalSince1970) / 86_400
    let reset = try Affirm.run(["reset", "--date", iso(today - 17), "--config", home.config], environment: environment)
    try #require(reset.status == 0, "\(reset.stderr)")
    let weeks = [monday(weeksBack: 1), monday(weeksBack: 4), monday(weeksBack: 8)]
    func at(_ day: Int, _ hour: Int) -> Int { day * 86_400 + hour * 3600 }
    let urges = [
      at(weeks[0] + 1, 21), at(weeks[0] + 2, 22), at(weeks[0] + 6, 23),
      at(weeks[1], 1), at(weeks[1] + 1, 2), at(weeks[1] + 2, 3), at(weeks[1] + 3, 4), at(weeks[1] + 4, 5),
      at(weeks[1] + 6, 23), at(weeks[2] + 3, 12),
    ]
    let sql =
      "INSERT INTO urge (at, note) VALUES " + urges.map { "(\($0), NULL)" }.joined(separator: ", ") + ";\n"
      + "INSERT INTO strength (at) VALUES (\(at(weeks[0] + 1, 22))), (\(at(weeks[0] + 6, 23) + 60));"
    let edit = try runProcess("/usr/bin/sqlite3", ["-bail", home.database, sql])
    try #require(edit.status == 0, "\(edit.stderr)")
    return (home, environment, weeks)
  }

  @Test("the terminal chart and --json show twelve Monday weeks with urges and waves that passed")
  func chartAndJSON() throws {
    let (home, environment, weeks) = try seededHome()
    let text = try Affirm.run(["stats", "--config", home.config], environment: environment)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Urges per week, last 12 weeks (each row starts on a Monday):"))
    let rows = text.stdout.split(separator: "\n").map(String.init)
    let busiest = try #require(rows.first { $0.hasPrefix(iso(weeks[1]) + " ") }, "\(text.stdout)")
    #expect(busiest == iso(weeks[1]) + " " + String(repeating: "█", count: 24) + " 6")
    let lastWeek = try #require(rows.first { $0.hasPrefix(iso(weeks[0]) + " ") })
    #expect(
      lastWeek == iso(weeks[0]) + " " + String(repeating: "█", count: 12) + String(repeating: " ", count: 12)
        + " 3 · 2 passed")
    #expect(rows.filter { $0.range(of: #"^\d{4}-\d{2}-\d{2} "#, options: .regularExpression) != nil }.count == 12)
    #expect(text.stdout.contains("Waves you let pass (\"It passed\"): 2 in all, 2 of them in the last 12 weeks."))

    let json = try Affirm.run(["stats", "--json", "--config", home.config], environment: environment)
    #expect(json.status == 0, "\(json.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let list = try #require(object["weeks"] as? [[String: Any]])
    #expect(list.count == 12)
    let byStart = Dictionary(uniqueKeysWithValues: list.map { ($0["start"] as? String ?? "", $0) })
    #expect(byStart[iso(weeks[0])]?["urges"] as? Int == 3 && byStart[iso(weeks[0])]?["passed"] as? Int == 2)
    #expect(byStart[iso(weeks[1])]?["urges"] as? Int == 6 && byStart[iso(weeks[1])]?["passed"] as? Int == 0)
    #expect(byStart[iso(weeks[2])]?["urges"] as? Int == 1)
    #expect(list.map { $0["urges"] as? Int ?? 0 }.reduce(0, +) == 10)
    #expect(object["waves_passed"] as? Int == 2 && object["stayed_strong"] as? Int == 2)
    #expect(object["median_wave_minutes"] is NSNull)
    // The fields that were there keep their order; the new ones follow.
    let keys = [
      "day", "longest_streak", "shown", "stayed_strong", "urges", "urges_by_hour", "suggested_window",
      "weeks", "waves_passed", "median_wave_minutes",
    ]
    let positions = keys.map { json.stdout.range(of: "\"\($0)\":")?.lowerBound }
    #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
  }

  @Test("the text says the waves once: how many in all, and how many of them in the chart's 12 weeks")
  func wavesInOneSentence() throws {
    let (home, environment, _) = try seededHome()
    // A third wave, 20 weeks back: counted in all, outside the chart's weeks.
    let old = monday(weeksBack: 20) * 86_400 + 22 * 3600
    let edit = try runProcess(
      "/usr/bin/sqlite3", ["-bail", home.database, "INSERT INTO strength (at) VALUES (\(old));"])
    try #require(edit.status == 0, "\(edit.stderr)")
    let text = try Affirm.run(["stats", "--config", home.config], environment: environment)
    #expect(text.status == 0, "\(text.stderr)")
    let waves = text.stdout.split(separator: "\n").filter { $0.localizedCaseInsensitiveContains("wave") }
    #expect(waves == ["Waves you let pass (\"It passed\"): 3 in all, 2 of them in the last 12 weeks. Each one counts."])
  }

  @Test("--svg writes a chart that parses as XML and renders at its own size")
  func svgRenders() throws {
    let (home, environment, _) = try seededHome()
    let path = home.directory.path + "/urges.svg"
    let result = try Affirm.run(["stats", "--svg", path, "--config", home.config], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("The chart is saved in \(path).\n"))
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!svg.contains("<script") && !svg.contains("href") && !svg.contains("<image"))

    let parse = try runProcess(
      "/usr/bin/python3",
      [
        "-c",
        """
        import sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        ns = '{http://www.w3.org/2000/svg}'
        rects = [r for r in root.iter(ns + 'rect')]
        texts = ' | '.join(''.join(t.itertext()) for t in root.iter(ns + 'text'))
        print(root.tag, root.get('width'), root.get('height'),
              sum(r.get('class') == 'week' for r in rects), sum(r.get('class') == 'streak' for r in rects))
        print(texts)
        """,
        path,
      ])
    #expect(parse.status == 0, "\(parse.stderr)")
    let lines = parse.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "{http://www.w3.org/2000/svg}svg 640 360 3 1")
    #expect(lines.dropFirst().first?.contains("Urges per week") == true)
    #expect(lines.dropFirst().first?.contains("Waves that passed: 2") == true)
    #expect(lines.dropFirst().first?.contains("Week starting (Monday)") == true)

    let png = home.directory.path + "/urges.png"
    let render = try runProcess("/usr/bin/rsvg-convert", ["--format", "png", "--output", png, path])
    try #require(render.status == 0, "rsvg-convert: \(render.stderr)")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
    try #require(bytes.count > 24 && bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    #expect(bytes[12..<16].elementsEqual(Array("IHDR".utf8)))
    let be = { (offset: Int) in bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    #expect(be(16) == 640 && be(20) == 360)
  }

  @Test("--svg into a directory or a missing folder: a clear error, exit 73, nothing half-written")
  func svgBadPaths() throws {
    let (home, environment, _) = try seededHome()
    let folder = home.directory.path + "/charts"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    let before = try FileManager.default.contentsOfDirectory(atPath: home.directory.path).sorted()

    let intoFolder = try Affirm.run(["stats", "--svg", folder, "--config", home.config], environment: environment)
    #expect(intoFolder.status == 73)
    #expect(intoFolder.stderr == "affirm: cannot write the chart to \(folder): Is a directory\n")
    #expect(intoFolder.stdout.isEmpty)
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)

    let missing = home.directory.path + "/no-such-folder/urges.svg"
    let nowhere = try Affirm.run(["stats", "--svg", missing, "--config", home.config], environment: environment)
    #expect(nowhere.status == 73)
    #expect(nowhere.stderr == "affirm: cannot write the chart to \(missing): No such file or directory\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: home.directory.path).sorted() == before)

    let empty = try Affirm.run(["stats", "--svg", "", "--config", home.config], environment: environment)
    #expect(empty.status == 64)
    #expect(empty.stderr.contains("--svg needs a file name"))
  }
}
