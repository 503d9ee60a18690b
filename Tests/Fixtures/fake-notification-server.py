#!/usr/bin/python3
"""A minimal freedesktop notification server for the tests, with the capabilities it is given.

Usage: fake-notification-server.py LOG [--capabilities body,body-markup] [--close-after SECONDS]
                                       [--name NAME] [--max-kept N] [--press ACTION]
                                       [--never-answer all|METHOD,...]

Owns org.freedesktop.Notifications on the session bus in DBUS_SESSION_BUS_ADDRESS, writes one
JSON line per Notify call to LOG (what arrived, as sent) and one per CloseNotification
({"close": id}), and with --close-after closes each notification that long after it was shown
(NotificationClosed, reason 1: expired). It shows the parts of the protocol dunst cannot: a
server without `actions`, and the raw replaces_id. Like dunst, it adopts an unknown replaces_id
as the new id. --name is what GetServerInformation answers (a server of the quirks table);
--max-kept N refuses a Notify while N notifications are kept (never closed), as
notification-daemon does after about 20 (MaxNotificationsExceeded). --press ACTION invokes that
action of each notification that offers it, half a second after it was shown (a person pressing).

With --never-answer it is a hung server that still runs: it owns the name and has the object
registered (GDBus would answer a call to an unregistered path with an error at once), but it
keeps each call of the named methods (or of all) and never returns it. With it, each such call
is logged as {"unanswered": METHOD}, a held Notify with its summary and body.

Each Notify line, answered or held, carries the pid of the process that sent it (asked of the
bus), so a test can match every sender to what arrived.
"""

import argparse
import json

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--capabilities", default="body")
    parser.add_argument("--close-after", type=float, default=None)
    parser.add_argument("--name", default="fake")
    parser.add_argument("--max-kept", type=int, default=None)
    parser.add_argument("--press", default=None)
    parser.add_argument("--never-answer", default="")
    options = parser.parse_args()
    capabilities = [c for c in options.capabilities.split(",") if c]
    state = {"next": 1, "kept": set()}
    never = set(m for m in options.never_answer.split(",") if m)
    unanswered = []  # kept alive: a dropped invocation must not turn into a reply
    log = open(options.log, "a", buffering=1)
    node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
    loop = GLib.MainLoop()

    def close(connection, notification_id, reason):
        state["kept"].discard(notification_id)
        connection.emit_signal(
            None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
            "NotificationClosed", GLib.Variant("(uu)", (notification_id, reason)))
        return False

    def press(connection, notification_id):
        connection.emit_signal(
            None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
            "ActionInvoked", GLib.Variant("(us)", (notification_id, options.press)))
        return False

    def pid_of(connection, sender):
        try:
            reply = connection.call_sync(
                "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "GetConnectionUnixProcessID", GLib.Variant("(s)", (sender,)), GLib.VariantType("(u)"),
                Gio.DBusCallFlags.NONE, -1, None)
            return reply.unpack()[0]
        except GLib.Error:
            return None  # the sender has gone already

    def on_call(connection, sender, path, interface, method, parameters, invocation):
        if "all" in never or method in never:
            unanswered.append(invocation)
            held = {"unanswered": method}
            if method == "Notify":
                held.update(summary=parameters[3], body=parameters[4], pid=pid_of(connection, sender))
            log.write(json.dumps(held) + "\n")
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (capabilities,)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", (options.name, "affirm tests", "1", "1.2")))
        elif method == "Notify":
            app, replaces, icon, summary, body, actions, hints, timeout = parameters.unpack()
            if (options.max_kept is not None and replaces not in state["kept"]
                    and len(state["kept"]) >= options.max_kept):
                log.write(json.dumps({"refused": summary}) + "\n")
                invocation.return_dbus_error(
                    "org.freedesktop.Notifications.MaxNotificationsExceeded",
                    "Exceeded maximum number of notifications")
                return
            notification_id = replaces or state["next"]
            if not replaces:
                state["next"] += 1
            state["kept"].add(notification_id)
            log.write(json.dumps({
                "id": notification_id, "app": app, "replaces_id": replaces, "summary": summary,
                "body": body, "actions": actions, "hints": sorted(hints), "timeout": timeout,
                "icon": icon, "urgency": hints.get("urgency"), "transient": bool(hints.get("transient")),
                "value": hints.get("value"),
                "pid": pid_of(connection, sender),
            }) + "\n")
            invocation.return_value(GLib.Variant("(u)", (notification_id,)))
            if options.press is not None and options.press in actions[0::2]:
                GLib.timeout_add(500, press, connection, notification_id)
            if options.close_after is not None:
                GLib.timeout_add(int(options.close_after * 1000), close, connection, notification_id, 1)
        elif method == "CloseNotification":
            (notification_id,) = parameters.unpack()
            log.write(json.dumps({"close": notification_id}) + "\n")
            invocation.return_value(None)
            close(connection, notification_id, 3)

    def on_bus(connection, name):
        connection.register_object(
            "/org/freedesktop/Notifications", node.interfaces[0], on_call, None, None)

    Gio.bus_own_name(
        Gio.BusType.SESSION, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
        on_bus, None, lambda *_: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
