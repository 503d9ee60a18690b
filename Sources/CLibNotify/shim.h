#ifndef AFFIRM_CLIBNOTIFY_SHIM_H
#define AFFIRM_CLIBNOTIFY_SHIM_H

#include <libnotify/notify.h>

/// g_object_get() is variadic, which Swift cannot call: read one int property.
static inline void affirm_object_get_int(gpointer object, const gchar *name, gint *out) {
  g_object_get(object, name, out, NULL);
}

/// g_signal_connect() is a macro, and GCallback erases the handler's type: connect a
/// handler to a notification's "closed" signal (emitted when the server closes it).
static inline gulong affirm_connect_closed(
    NotifyNotification *notification, void (*handler)(NotifyNotification *, gpointer), gpointer data,
    void (*destroy)(gpointer, GClosure *)) {
  return g_signal_connect_data(notification, "closed", G_CALLBACK(handler), data, destroy, 0);
}

#endif
