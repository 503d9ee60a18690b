#!/usr/bin/python3
"""Watches the notification protocol on a bus, whichever server runs, for the tests.

Usage: notification-monitor.py LOG

Becomes a monitor of the session bus in DBUS_SESSION_BUS_ADDRESS and writes one JSON line to
LOG per event: {"notify": id, "app", "replaces_id", "summary", "body", "actions", "urgency",
"transient", "icon", "timeout", "value"} once the server has answered a Notify (with the id it gave, or "error"),
{"close": id} for each CloseNotification call, {"closed": id, "reason": n} for each
NotificationClosed signal, {"action": key, "id": id} for each ActionInvoked signal, and
{"owner": unique name} when org.freedesktop.Notifications changes hands ("" when it goes).
Writes {"ready": true} once it watches.
"""

import json
import sys

from gi.repository import Gio, GLib

INTERFACE = "org.freedesktop.Notifications"


def main():
    log = open(sys.argv[1], "a", buffering=1)
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
    connection = Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    pending = {}
    state = {"monitoring": False}

    def write(event):
        log.write(json.dumps(event) + "\n")

    def on_message(_connection, message, incoming):
        if not incoming or not state["monitoring"]:
            return message
        # Everything seen from here on is someone else's: record it, and drop it so that
        # GDBus does not answer calls meant for others (the bus would drop the monitor).
        kind = message.get_message_type()
        body = message.get_body()
        if kind == Gio.DBusMessageType.METHOD_CALL and message.get_interface() == INTERFACE:
            member = message.get_member()
            if member == "Notify" and body is not None:
                app, replaces, icon, summary, text, actions, hints, timeout = body.unpack()
                pending[(message.get_sender(), message.get_serial())] = {
                    "app": app, "replaces_id": replaces, "summary": summary, "body": text,
                    "actions": actions, "urgency": hints.get("urgency"),
                    "transient": bool(hints.get("transient")), "icon": icon, "timeout": timeout,
                    "value": hints.get("value"),
                }
            elif member == "CloseNotification" and body is not None:
                write({"close": body.unpack()[0]})
        elif kind in (Gio.DBusMessageType.METHOD_RETURN, Gio.DBusMessageType.ERROR):
            call = pending.pop((message.get_destination(), message.get_reply_serial()), None)
            if call is not None:
                if kind == Gio.DBusMessageType.METHOD_RETURN and body is not None:
                    call["notify"] = body.unpack()[0]
                else:
                    call["notify"] = "error"
                    call["error"] = message.get_error_name()
                write(call)
        elif kind == Gio.DBusMessageType.SIGNAL:
            member = message.get_member()
            if message.get_interface() == INTERFACE and body is not None:
                if member == "NotificationClosed":
                    notification_id, reason = body.unpack()
                    write({"closed": notification_id, "reason": reason})
                elif member == "ActionInvoked":
                    notification_id, key = body.unpack()
                    write({"action": key, "id": notification_id})
            elif member == "NameOwnerChanged" and body is not None:
                name, _old, new = body.unpack()
                if name == INTERFACE:
                    write({"owner": new})
        return None

    connection.add_filter(on_message)
    connection.call_sync(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
        GLib.Variant("(asu)", ([], 0)), None, Gio.DBusCallFlags.NONE, -1, None)
    state["monitoring"] = True
    write({"ready": True})
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
