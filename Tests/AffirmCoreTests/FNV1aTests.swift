import Testing

@testable import AffirmCore

@Suite("FNV-1a: the one stable hash")
struct FNV1aTests {
  @Test(
    "the published 64-bit FNV-1a test vectors",
    arguments: [("", 0xcbf2_9ce4_8422_2325), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)]
      as [(String, UInt64)])
  func vectors(text: String, hash: UInt64) {
    #expect(FNV1a.hash(text.utf8) == hash)
  }

  @Test("entry ids and random-time seeds are FNV-1a of their text")
  func users() {
    #expect(EntryID(text: "You are doing well.").rawValue == FNV1a.hash("you are doing well.".utf8))
    #expect(EntryID(text: "Ça  va.").rawValue == FNV1a.hash("ça va.".utf8))
    #expect(
      RandomTimes.seed(slot: "morning", date: LocalDate(year: 2027, month: 3, day: 28))
        == FNV1a.hash("morning|2027-03-28".utf8))
  }
}
