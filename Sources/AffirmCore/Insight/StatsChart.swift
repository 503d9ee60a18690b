/// The weekly chart `affirm stats` prints in the terminal and writes as SVG. Plain, kind words:
/// a week with more urges is a harder week, not a failure.
public enum StatsChart {
  /// One row per week, oldest first: the week's Monday, a bar scaled to the largest week, the
  /// count of urges, and the waves that passed that week when there were any.
  ///
  ///     2026-09-07 ████████████████ 4 · 2 passed
  public static func text(_ stats: WeeklyStats, width: Int = 24) -> String {
    let largest = max(1, stats.weeks.map(\.urges).max() ?? 1)
    let countWidth = String(largest).count
    return stats.weeks.map { week in
      let length = week.urges == 0 ? 0 : max(1, week.urges * width / largest)
      let bar = String(repeating: "█", count: length) + String(repeating: " ", count: width - length)
      let count = String(repeating: " ", count: countWidth - String(week.urges).count) + String(week.urges)
      let passed = week.passed > 0 ? " · \(week.passed) passed" : ""
      return "\(week.start) \(bar) \(count)\(passed)"
    }.joined(separator: "\n")
  }

  /// The picture's size in pixels.
  public static let svgWidth = 640
  public static let svgHeight = 360

  /// A self-contained SVG: urges per week as bars, with the weeks since `streakStart` (the day
  /// the current no-contact count began, when there is one) shaded and labelled. No fonts,
  /// images or scripts from outside; every piece of text is XML-escaped.
  public static func svg(_ stats: WeeklyStats, streakStart: LocalDate?) -> String {
    let (width, height) = (svgWidth, svgHeight)
    let (left, right, top, bottom) = (56, 16, 64, 300)
    let plotWidth = width - left - right
    let count = max(1, stats.weeks.count)
    let slot = Double(plotWidth) / Double(count)
    let largest = max(1, stats.weeks.map(\.urges).max() ?? 1)
    let plotHeight = Double(bottom - top)
    func x(_ value: Double) -> String { format(Double(left) + value) }

    var out: [String] = []
    out.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
    out.append(
      ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" "##
        + ##"font-family="sans-serif" role="img">"##)
    let title = "Urges per week, last \(stats.weeks.count) weeks"
    out.append("<title>\(escape(title))</title>")
    out.append(##"<rect x="0" y="0" width="\##(width)" height="\##(height)" fill="#ffffff"/>"##)

    // The current streak: a band from the day it began (or the left edge) to the right edge.
    if let streakStart, let first = stats.weeks.first, let last = stats.weeks.last,
      streakStart < last.start.adding(days: 7)
    {
      let days = max(0, streakStart.daysSinceEpoch - first.start.daysSinceEpoch)
      let from = Double(days) / 7 * slot
      out.append(
        ##"<rect class="streak" x="\##(x(from))" y="\##(top)" width="\##(format(Double(plotWidth) - from))" "##
          + ##"height="\##(bottom - top)" fill="#dcefe0"/>"##)
      let label = "No contact since \(streakStart)"
      out.append(
        ##"<text x="\##(format(Double(width - right) - 4))" y="\##(top + 14)" font-size="11" text-anchor="end" "##
          + ##"fill="#2e6b3a">\##(escape(label))</text>"##)
    }

    out.append(
      ##"<text x="\##(width / 2)" y="24" font-size="16" text-anchor="middle" fill="#222222">\##(escape(title))</text>"##
    )
    let subtitle = "Waves that passed: \(stats.totalPassed)"
    out.append(
      ##"<text x="\##(width / 2)" y="44" font-size="12" text-anchor="middle" fill="#444444">\##(escape(subtitle))</text>"##
    )

    // Axes.
    out.append(##"<line x1="\##(left)" y1="\##(bottom)" x2="\##(width - right)" y2="\##(bottom)" stroke="#888888"/>"##)
    out.append(##"<line x1="\##(left)" y1="\##(top)" x2="\##(left)" y2="\##(bottom)" stroke="#888888"/>"##)
    out.append(
      ##"<text x="\##(left - 6)" y="\##(bottom + 4)" font-size="10" text-anchor="end" fill="#444444">0</text>"##)
    out.append(
      ##"<text x="\##(left - 6)" y="\##(top + 4)" font-size="10" text-anchor="end" fill="#444444">\##(largest)</text>"##
    )
    out.append(
      ##"<text x="16" y="\##((top + bottom) / 2)" font-size="12" text-anchor="middle" fill="#444444" "##
        + ##"transform="rotate(-90 16 \##((top + bottom) / 2))">\##(escape("Urges"))</text>"##)
    out.append(
      ##"<text x="\##(left + plotWidth / 2)" y="\##(height - 12)" font-size="12" text-anchor="middle" fill="#444444">"##
        + ##"\##(escape("Week starting (Monday)"))</text>"##)

    for (index, week) in stats.weeks.enumerated() {
      let barHeight = Double(week.urges) / Double(largest) * plotHeight
      let barX = Double(index) * slot + slot * 0.15
      let center = x(Double(index) * slot + slot / 2)
      if week.urges > 0 {
        out.append(
          ##"<rect class="week" x="\##(x(barX))" y="\##(format(Double(bottom) - barHeight))" width="\##(format(slot * 0.7))" "##
            + ##"height="\##(format(barHeight))" fill="#5b7fbf"><title>\##(escape("Week of \(week.start): \(week.urges) urge\(week.urges == 1 ? "" : "s"), \(week.passed) passed"))</title></rect>"##
        )
        out.append(
          ##"<text x="\##(center)" y="\##(format(Double(bottom) - barHeight - 4))" font-size="10" text-anchor="middle" "##
            + ##"fill="#222222">\##(week.urges)</text>"##)
      }
      let label = LocalDate.pad(week.start.month, 2) + "-" + LocalDate.pad(week.start.day, 2)
      out.append(
        ##"<text x="\##(center)" y="\##(bottom + 16)" font-size="10" text-anchor="middle" fill="#444444">\##(escape(label))</text>"##
      )
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// XML's five escapes, so that any text is safe in an element or an attribute.
  public static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }

  /// A coordinate with at most one decimal.
  static func format(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
  }
}
