/// An error whose description is the sentence a user sees. Which exit status follows is the
/// executable's to decide (`ExitStatus`), not the library's.
public protocol UserFacingError: Error, CustomStringConvertible {}
