import AffirmTestSupport
import Foundation
import Testing

@Suite("sos with the config's own lines", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
struct OwnCorpusSosTests {
  @Test("sos shows the user's urge line when only the user's lines count")
  func sos() throws {
    let marker = uniqueMarker()
    let own = try OwnCorpusHome(
      ownLines: "[urge]\nMy own line for the wave \(marker)\n",
      config: "corpus = [\"~/mine.txt\"]\nbuiltin_corpus = false\n")
    let result = try Affirm.run(["sos", "--config", own.config], environment: try own.home.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(marker), "\(result.stdout)")
    #expect(try Stack.notification(containing: marker, timeout: 5) != nil)
  }
}
