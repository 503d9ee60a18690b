import AffirmCore

#if canImport(Glibc)
  import Glibc
#endif

/// A regular file mapped read-only into memory (`mmap`): a page is read only when it is
/// touched, so looking at a few entries of a large index costs a few pages, not the file.
///
/// The mapping is private and the file is only ever replaced by rename, never rewritten in
/// place, so the bytes stay what they were when it was opened.
package final class MappedFile: @unchecked Sendable {
  package let bytes: UnsafeRawBufferPointer

  /// nil when the file cannot be opened, is not a regular file, is empty, or cannot be mapped.
  package init?(path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
    let size = Int(info.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
      base != UnsafeMutableRawPointer(bitPattern: -1)
    else { return nil }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
  }

  package var count: Int { bytes.count }

  /// The little-endian integer at `offset`; the caller has checked the bounds.
  package func integer<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
    T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
  }
}
