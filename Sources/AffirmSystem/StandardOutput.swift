import AffirmCore
internal import CLinux

/// The process's standard output.
public enum StandardOutput {
  /// Writes each line out as it is printed, also into a pipe or a file (C's stdio buffers a
  /// whole block there, so a long-running command's lines would appear only at its exit).
  public static func lineBuffered() { affirm_line_buffer_stdout() }
}
