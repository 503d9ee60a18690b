import Testing

@testable import AffirmState

@Suite("doctor's fix for an unusable state database, by cause", .timeLimit(.minutes(2)))
struct StateErrorFixTests {
  static let causes: [StateError.Cause] = [
    .damaged("file is not a database"), .newerSchema, .stuck(.damaged("x"), errno: 13), .busy("database is locked"),
    .diskFull("database or disk is full"), .denied("unable to open database file"), .system(errno: 5), .missing,
    .sqlite("some error"),
  ]

  @Test("each cause a person can act on gets a fix of its own")
  func distinct() {
    let fixes = Self.causes.map { $0.fix(path: "/home/a b/state.sqlite") }
    #expect(Set(fixes).count == fixes.count, "\(fixes)")
  }

  @Test("a command in a fix names the file or its directory, quoted for the shell")
  func commandsNameThePath() {
    for cause in Self.causes {
      let lines = cause.fix(path: "/home/a b/state.sqlite").split(separator: "\n")
      for command in lines.dropFirst() {
        #expect(command.contains("'/home/a b"), "\(cause): \(command)")
      }
    }
  }
}
