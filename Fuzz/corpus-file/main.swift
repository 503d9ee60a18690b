// libFuzzer target: the corpus parser, and the duplicate detection over what it yields.

@testable import AffirmCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCorpus(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let file = CorpusParser().parse(bytes, file: "fuzz.txt")
  let corpus = Corpus(files: [file])
  for entry in corpus.entries {
    precondition(entry.text.count <= CorpusParser.maximumEntryLength, "an entry over the length limit")
    precondition(entry.tags.allSatisfy(CorpusParser.isValidTag), "an entry with an invalid tag")
  }
  for diagnostic in corpus.diagnostics { _ = diagnostic.description }
  return 0
}
