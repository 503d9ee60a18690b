# The Debian package and the tarball, tested the way a user meets them. Sourced by
# scripts/test after the suite, with the private notification stack running:
#   package_test WORK
# builds both with scripts/package, holds the .deb to lintian (no error, no warning), refuses
# a dirty tree and a machine without dpkg-deb, installs the package with apt-get and uses the
# installed /usr/bin/affirm (send, doctor, the unit, the man pages, bash completion, install),
# upgrades it over itself with a second Debian revision (the user's config and state kept),
# purges it (nothing of it left, the user's files untouched), and runs the tarball from a
# temporary prefix. Installs and removes system packages: root, or sudo.

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

package_fail() {
  echo "scripts/test: package: $*" >&2
  # Leave the machine as it was: the package this test installed goes again.
  if [[ ${package_installed:-false} == true ]]; then
    DEBIAN_FRONTEND=noninteractive as_root apt-get purge -y -q affirm >/dev/null 2>&1 || true
  fi
  exit 1
}

package_test() {
  local work=$1/package
  local started=$SECONDS
  mkdir -p "$work"
  ensure_packages dpkg-dev binutils lintian systemd man-db bash-completion
  # One package test at a time on a machine: two would install and purge the same package.
  exec 8>"${TMPDIR:-/tmp}/affirm-package-test.lock"
  flock 8
  if dpkg-query -W -f '${Status}' affirm 2>/dev/null | grep -q installed; then
    package_fail "affirm is installed on this machine already; the test would purge it (apt-get purge affirm first)"
  fi

  # Bad input first: a dirty tree and missing tools are refused before anything is built.
  git clone -q . "$work/clone"
  echo "# local change" >>"$work/clone/README.md"
  local status=0
  "$work/clone/scripts/package" >"$work/dirty.out" 2>&1 || status=$?
  ((status == 65)) && grep -q "uncommitted changes" "$work/dirty.out" ||
    package_fail "a dirty tree gave status $status: $(cat "$work/dirty.out")"
  git -C "$work/clone" checkout -q README.md
  mkdir -p "$work/bare-bin"
  local tool
  for tool in bash env dirname git sed grep cat; do ln -s "$(command -v "$tool")" "$work/bare-bin/$tool"; done
  status=0
  PATH="$work/bare-bin" "$work/clone/scripts/package" >"$work/tools.out" 2>&1 || status=$?
  ((status == 69)) && grep -q "missing dpkg-deb" "$work/tools.out" ||
    package_fail "no dpkg-deb gave status $status: $(cat "$work/tools.out")"

  # Two revisions of the same version, for the upgrade.
  local built version deb1 deb2 tarball
  built=$(AFFIRM_DEBIAN_REVISION=1 AFFIRM_SCRATCH_PATH=.build-install-test scripts/package --allow-dirty)
  deb1=$(sed -n 1p <<<"$built")
  tarball=$(sed -n 2p <<<"$built")
  mv "$deb1" "$work/"
  deb1=$work/$(basename "$deb1")
  deb2=$(AFFIRM_DEBIAN_REVISION=2 AFFIRM_SCRATCH_PATH=.build-install-test scripts/package --allow-dirty | sed -n 1p)
  version=$(sed -n 's/^let affirmVersion = "\([^"]*\)"$/\1/p' Sources/affirm/Version.swift)
  echo "package: $(basename "$deb1"), $(du -k "$deb1" | cut -f1) KiB; $(basename "$tarball"), $(du -k "$tarball" | cut -f1) KiB" >&2

  # Debian's checker: no error and no warning; what remains is overridden in the package.
  lintian --fail-on error,warning --display-level ">=info" "$deb1" >&2 || package_fail "lintian failed"

  # Install as a user would, and use the installed binary in a scratch HOME.
  local home=$work/home
  mkdir -p "$home"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$deb1" >"$work/install.log" 2>&1 ||
    package_fail "apt-get install: $(tail -5 "$work/install.log")"
  package_installed=true
  dpkg -L affirm | sort >"$work/files"
  local affirm=/usr/bin/affirm
  [[ $("$affirm" --version) == "$version" ]] || package_fail "installed --version: $("$affirm" --version)"
  user() { env -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME HOME="$home" "$@"; }
  user "$affirm" config init >/dev/null
  # send shows one line: dunst's history holds one more of affirm's, a line of the corpus.
  local shown_before shown body
  # dunst keeps a notification in its history once it is closed.
  dunstctl close-all
  shown_before=$(dunstctl history | jq '[.data[0][] | select(.appname.data == "affirm")] | length')
  user "$affirm" send --tag morning || package_fail "send exited $?"
  dunstctl close-all
  shown=$(dunstctl history | jq '[.data[0][] | select(.appname.data == "affirm")] | length')
  ((shown == shown_before + 1)) || package_fail "the server holds $shown of affirm's lines, not $((shown_before + 1))"
  body=$(dunstctl history | jq -r '[.data[0][] | select(.appname.data == "affirm")][0].body.data')
  grep -qxF "$body" /usr/share/affirm/affirmations/*.txt || package_fail "shown, but not a corpus line: $body"
  user "$affirm" doctor >"$work/doctor.log" 2>&1 || package_fail "doctor: $(cat "$work/doctor.log")"
  # With no session bus at all, doctor says what is missing and exits 69.
  status=0
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$work" HOME="$home" \
    "$affirm" doctor >"$work/doctor-nobus.log" 2>&1 || status=$?
  ((status == 69)) && grep -qi "bus" "$work/doctor-nobus.log" ||
    package_fail "doctor without a bus gave status $status: $(cat "$work/doctor-nobus.log")"
  # The user manager's lookup needs a runtime directory, which CI's root session lacks.
  mkdir -p -m 0700 "$work/runtime"
  XDG_RUNTIME_DIR="$work/runtime" systemd-analyze --user verify /usr/lib/systemd/user/affirm.service \
    >"$work/verify.log" 2>&1 ||
    package_fail "systemd-analyze verify: $(cat "$work/verify.log")"
  MANWIDTH=80 man -P cat affirm 2>/dev/null | grep -q "affirm-send(1)" || package_fail "man affirm does not render"
  MANWIDTH=80 man -P cat affirm-sos 2>/dev/null | grep -qi "sos" || package_fail "man affirm-sos does not render"
  local completions
  completions=$(bash -c 'source /usr/share/bash-completion/bash_completion
    source /usr/share/bash-completion/completions/affirm
    COMP_WORDS=(affirm s); COMP_CWORD=1; COMP_LINE="affirm s"; COMP_POINT=8
    "$(complete -p affirm | sed -E "s/.*-F ([^ ]+) .*/\1/")" affirm s affirm
    printf "%s\n" "${COMPREPLY[@]}"' | sort | tr '\n' ' ')
  [[ $completions == "send sos stats status " ]] || package_fail "bash completes 'affirm s' to: $completions"
  user "$affirm" install >"$work/install-unit.log" ||
    package_fail "affirm install: $(cat "$work/install-unit.log")"
  grep -q "systemctl --user enable --now affirm.service" "$work/install-unit.log" &&
    [[ ! -e $home/.config/systemd/user/affirm.service ]] ||
    package_fail "affirm install wrote a second unit: $(cat "$work/install-unit.log")"

  # The upgrade keeps the user's config and state.
  local before after
  user "$affirm" history --json >"$work/history-before.json"
  before=$(sha256sum "$home/.config/affirm/config.toml" | cut -d' ' -f1)
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "./$deb2" >"$work/upgrade.log" 2>&1 ||
    package_fail "upgrade: $(tail -5 "$work/upgrade.log")"
  [[ $(dpkg-query -W -f '${Version}' affirm) == "$version-2" ]] || package_fail "the upgrade did not take"
  [[ $(sha256sum "$home/.config/affirm/config.toml" | cut -d' ' -f1) == "$before" ]] ||
    package_fail "the upgrade changed the config"
  user "$affirm" history --json >"$work/history-after.json"
  cmp -s "$work/history-before.json" "$work/history-after.json" || package_fail "the upgrade changed the history"
  [[ $(jq length "$work/history-after.json") -ge 1 ]] || package_fail "no history to keep"

  # Purge: every file of the package gone, each directory gone unless something else uses it.
  dpkg -L affirm | sort >"$work/files"
  (cd "$home" && find . -type f -exec sha256sum {} + | sort) >"$work/home-before"
  DEBIAN_FRONTEND=noninteractive as_root apt-get purge -y -q affirm >"$work/purge.log" 2>&1 ||
    package_fail "purge: $(tail -5 "$work/purge.log")"
  package_installed=false
  local path left=()
  while read -r path; do
    [[ $path == /. ]] && continue
    if [[ -d $path && ! -L $path ]]; then
      [[ -z $(ls -A "$path") ]] && left+=("$path (empty directory)")
    elif [[ -e $path || -L $path ]]; then
      left+=("$path")
    fi
  done <"$work/files"
  ((${#left[@]} == 0)) || package_fail "left after purge: ${left[*]}"
  (cd "$home" && find . -type f -exec sha256sum {} + | sort) >"$work/home-after"
  cmp -s "$work/home-before" "$work/home-after" || package_fail "purge touched the user's files"
  echo "package: $(grep -c . "$work/files") paths installed, all removed by purge" >&2

  # The tarball, unpacked into a prefix as the README says, runs from there.
  mkdir -p "$work/prefix"
  tar -xzf "$tarball" -C "$work/prefix" --strip-components=1
  [[ -x $work/prefix/bin/affirm && -f $work/prefix/share/man/man1/affirm.1.gz ]] ||
    package_fail "the tarball does not unpack into bin/ and share/"
  [[ ! -e $work/prefix/lib/systemd ]] || package_fail "the tarball carries the package's systemd unit"
  user "$work/prefix/bin/affirm" doctor >"$work/tar-doctor.log" 2>&1 ||
    package_fail "doctor from the tarball: $(cat "$work/tar-doctor.log")"
  rm -f "$deb2" "$tarball"
  echo "package: built, checked, installed, upgraded, purged and unpacked in $((SECONDS - started)) s" >&2
}
