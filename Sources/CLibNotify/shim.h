#ifndef AFFIRM_CLIBNOTIFY_SHIM_H
#define AFFIRM_CLIBNOTIFY_SHIM_H

#include <libnotify/notify.h>

/// g_object_get() is variadic, which Swift cannot call: read one int property.
static inline void affirm_object_get_int(gpointer object, const gchar *name, gint *out) {
  g_object_get(object, name, out, NULL);
}

#endif
