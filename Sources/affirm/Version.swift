/// affirm's version: `affirm --version`, the Debian package and the tarball all read it from
/// here (scripts/package parses this line), and CHANGELOG.md has an entry for it.
let affirmVersion = "0.1.0"
