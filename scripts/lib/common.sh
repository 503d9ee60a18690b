# Shared by the scripts: package installation and the private notification stack.
# Sourced, not run.

# Puts Swift on PATH where the toolchain lives in /opt/swift but PATH lacks it.
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  fi
  command -v swift >/dev/null 2>&1 || { echo "swift is not installed; see https://www.swift.org/install/linux/" >&2; exit 1; }
}

# Builds the release binary that scripts/run, scripts/bench and scripts/install all use, and
# prints its path. The Swift runtime is linked statically: the binary starts faster, lets the
# idle daemon give back its pages, and runs where the Swift toolchain is not installed.
# $1: the scratch (build) directory, default .build.
# Copies the release binary $1 to $2 stripped, as Debian ships binaries: the one the package
# installs and the one scripts/bench measures.
strip_release() {
  install -m 0755 "$1" "$2"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$2"
}

build_release() {
  local scratch=${1:-.build}
  swift build -c release --static-swift-stdlib --scratch-path "$scratch" >&2
  echo "$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/affirm"
}

# Installs the Debian packages named that are not installed yet (apt-get update first).
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages building and running affirm needs. libnotify4 (which brings GLib) is opened at
# run time, with dlopen; the build needs no libnotify or GLib headers.
BUILD_PACKAGES=(libsqlite3-dev libnotify4)
# What a private notification stack needs (python3-gi runs the tests' fake notification
# server and protocol monitor; sqlite3 lets the fault tests check the state). xfce4-notifyd
# and notification-daemon are the other real servers the server-dependent tests run on, each
# on a bus of its own (ServerMatrixTests); xdotool presses their buttons on the Xvfb screen.
# libnss-wrapper gives a test its own passwd entry (install with HOME unset). librsvg2-bin's
# rsvg-convert renders the chart `affirm stats --svg` writes (StatsTests).
STACK_PACKAGES=(dbus dunst xvfb jq libnotify-bin python3-gi gir1.2-glib-2.0 sqlite3 xfce4-notifyd notification-daemon xdotool x11-utils libnss-wrapper librsvg2-bin)

STACK_PIDS=()

# Writes to $1 the config of a private dbus-daemon of type $2 (session or system) listening on
# the socket $3: anyone may own any name and monitor, and it starts services only from the
# directory $4 when given, none otherwise (so nothing starts behind a test's back). With $5
# "every-user", other users may connect too (a session bus admits only its owner). The Swift
# tests' private buses are written by this function as well.
write_bus_config() {
  local services="" every_user=""
  [[ -n ${4:-} ]] && services="<servicedir>$4</servicedir>"
  [[ ${5:-} == every-user ]] && every_user='<allow user="*"/>'
  cat >"$1" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>$2</type>
  <listen>unix:path=$3</listen>
  <auth>EXTERNAL</auth>
  $services
  <limit name="max_incomplete_connections">1000</limit>
  <limit name="max_connections_per_user">10000</limit>
  <limit name="max_replies_per_connection">50000</limit>
  <limit name="auth_timeout">240000</limit>
  <policy context="default">
    $every_user
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
}

# Stops what start_stack started, by PID.
stop_stack() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STACK_PIDS=()
}

# Starts Xvfb on a free display, a private session bus with no service activation,
# and dunst (no expiry, long history, body markup on) printing every notification to
# $1/dunst.log. Exports DISPLAY, DBUS_SESSION_BUS_ADDRESS and AFFIRM_TEST_DUNST_LOG.
start_stack() {
  local dir=$1
  mkdir -p "$dir"
  write_bus_config "$dir/bus.conf" session "$dir/bus"
  cat >"$dir/dunstrc" <<CONF
[global]
    history_length = 10000
    sticky_history = yes
    idle_threshold = 0
    markup = full
    # Nothing expires, so show only a few at once: a screen of hundreds makes dunst slow.
    notification_limit = 5
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
CONF
  : >"$dir/display"
  Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 3>"$dir/display" >"$dir/xvfb.log" 2>&1 &
  STACK_PIDS+=($!)
  local display=""
  for _ in $(seq 200); do
    display=$(tr -dc 0-9 <"$dir/display")
    [[ -n $display ]] && break
    sleep 0.05
  done
  [[ -n $display ]] || { echo "Xvfb did not start:" >&2; cat "$dir/xvfb.log" >&2; return 1; }
  export DISPLAY=":$display"

  dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
  STACK_PIDS+=($!)
  for _ in $(seq 100); do [[ -S $dir/bus ]] && break; sleep 0.05; done
  [[ -S $dir/bus ]] || { echo "dbus-daemon did not start:" >&2; cat "$dir/dbus.log" >&2; return 1; }
  export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus"

  dunst -config "$dir/dunstrc" -print >"$dir/dunst.log" 2>"$dir/dunst.err" &
  STACK_PIDS+=($!)
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
      grep -q "boolean true" && break
    sleep 0.05
  done
  export AFFIRM_TEST_DUNST_LOG="$dir/dunst.log"
  export AFFIRM_TEST_DUNSTRC="$dir/dunstrc"
  dunstctl is-paused >/dev/null || { echo "dunst did not start:" >&2; cat "$dir/dunst.err" >&2; return 1; }
}

# Starts a private dbus-daemon of type $2 (session or system; monitoring allowed) listening on
# $1/$2-bus, adds its PID to STACK_PIDS and sets PRIVATE_BUS_ADDRESS to its address. It starts
# services only from the directory $3 when given, none otherwise.
start_private_bus() {
  local dir=$1 type=$2
  mkdir -p "$dir"
  write_bus_config "$dir/$type-bus.conf" "$type" "$dir/$type-bus" "${3:-}"
  dbus-daemon --config-file="$dir/$type-bus.conf" --nofork --nopidfile >"$dir/$type-bus.log" 2>&1 &
  STACK_PIDS+=($!)
  for _ in $(seq 100); do [[ -S $dir/$type-bus ]] && break; sleep 0.05; done
  [[ -S $dir/$type-bus ]] || { echo "dbus-daemon ($type) did not start:" >&2; cat "$dir/$type-bus.log" >&2; return 1; }
  PRIVATE_BUS_ADDRESS="unix:path=$dir/$type-bus"
}

# Prints the PIDs of the processes connected to the bus at $1 (dbus-daemon itself excluded):
# services it started on demand, which a stop must end too.
bus_client_pids() {
  local name
  for name in $(DBUS_SESSION_BUS_ADDRESS=$1 dbus-send --session --print-reply --dest=org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null | sed -nE 's/^ *string "(:[0-9.]+)"$/\1/p'); do
    DBUS_SESSION_BUS_ADDRESS=$1 dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID "string:$name" 2>/dev/null | sed -nE 's/^ *uint32 ([0-9]+)$/\1/p'
  done | sort -un
}
