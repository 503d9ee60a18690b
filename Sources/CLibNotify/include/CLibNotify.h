#ifndef AFFIRM_CLIBNOTIFY_H
#define AFFIRM_CLIBNOTIFY_H

// libnotify, and the GLib, GObject and GIO functions affirm calls next to it, loaded at run
// time with dlopen("libnotify.so.4") the first time a command needs them (the way Firefox and
// Chromium load libnotify). Commands that never show a notification (send --dry-run, next,
// status, --version...) then never map libnotify, GLib, GIO, GDK-Pixbuf and their dozen
// dependencies.
//
// How to use it:
// - affirm_libnotify_load() opens the library and fills one table of function pointers.
// - Below it, a static inline wrapper for each function, under the function's real name and
//   with its real signature, calls through that table. Swift calls notify_init(...) or
//   g_variant_unref(...) as if it had linked libnotify.
// - A wrapper called before a load has succeeded aborts at once, naming the function: that is
//   a programming error, never a silent no-op.
//
// No libnotify or GLib header is needed to build: the few types are declared here. That is
// sound because those ABIs are stable: GLib keeps its 2.x ABI (glib-2.0.so.0) and libnotify
// its .so.4 ABI, so the layouts, enum values and signatures copied here do not change. The
// opaque types stay incomplete (Swift sees them as OpaquePointer); GError and GPollFD are
// complete because affirm reads and fills their fields. scripts/check-libnotify-abi compiles
// this header next to the real ones and checks every signature, layout and value.

#include <stdbool.h>
#include <stddef.h>

// MARK: - GLib's types, as GLib declares them (glib/gtypes.h, glibconfig.h)

typedef int gint;
typedef int gboolean;
typedef char gchar;
typedef unsigned short gushort;
typedef unsigned int guint32;
typedef signed int gint32;
typedef unsigned long gulong;
typedef size_t gsize;
typedef void *gpointer;
typedef guint32 GQuark;

typedef struct _GObject GObject;
typedef struct _GClosure GClosure;
typedef struct _GMainContext GMainContext;
typedef struct _GVariant GVariant;
typedef struct _GVariantType GVariantType;
typedef struct _GCancellable GCancellable;
typedef struct _GAsyncResult GAsyncResult;
typedef struct _GDBusConnection GDBusConnection;
typedef struct _NotifyNotification NotifyNotification;

typedef void (*GCallback)(void);
typedef void (*GFreeFunc)(gpointer data);
typedef void (*GClosureNotify)(gpointer data, GClosure *closure);
typedef void (*GAsyncReadyCallback)(GObject *source_object, GAsyncResult *res, gpointer data);
typedef void (*NotifyActionCallback)(NotifyNotification *notification, char *action, gpointer user_data);

// What GLib's headers declare differently (complete structs, enums): left out when
// scripts/check-libnotify-abi compiles this header after the real ones, and checked there.
#ifndef AFFIRM_LIBNOTIFY_ABI_CHECK

/// GLib's error: the fields affirm reads (glib/gerror.h).
typedef struct _GError {
  GQuark domain;
  gint code;
  gchar *message;
} GError;

/// One descriptor of GLib's main context, as poll(2) would take it (glib/gpoll.h).
typedef struct _GPollFD {
  gint fd;
  gushort events;
  gushort revents;
} GPollFD;

// C enums whose values are all non-negative are unsigned int in the x86-64 and AArch64 ABIs;
// GBusType has -1, so it is int.
typedef int GBusType;
typedef unsigned int GDBusCallFlags;
typedef unsigned int GConnectFlags;
typedef unsigned int NotifyUrgency;

#endif

// The constants affirm uses, with the values of gio/gioenums.h and libnotify/notification.h.
#define G_BUS_TYPE_SESSION ((GBusType)2)
#define G_DBUS_CALL_FLAGS_NONE ((GDBusCallFlags)0)
#define G_IO_ERROR_TIMED_OUT ((gint)24)
#define G_DBUS_ERROR_SERVICE_UNKNOWN ((gint)2)
#define G_DBUS_ERROR_NAME_HAS_NO_OWNER ((gint)3)
#define NOTIFY_URGENCY_LOW ((NotifyUrgency)0)
#define NOTIFY_URGENCY_NORMAL ((NotifyUrgency)1)
#define NOTIFY_URGENCY_CRITICAL ((NotifyUrgency)2)

// MARK: - The table

// Every function the table holds: X(result type, name, parameters), the prototypes of
// libnotify/notify.h and GLib's headers. A wrapper of the same name calls each one.
#define AFFIRM_LIBNOTIFY_FUNCTIONS(X)                                                                              \
  /* libnotify */                                                                                                  \
  X(gboolean, notify_init, (const char *app_name))                                                                 \
  X(void, notify_uninit, (void))                                                                                   \
  X(gboolean, notify_is_initted, (void))                                                                           \
  X(NotifyNotification *, notify_notification_new, (const char *summary, const char *body, const char *icon))      \
  X(gboolean, notify_notification_update,                                                                          \
    (NotifyNotification * notification, const char *summary, const char *body, const char *icon))                 \
  X(gboolean, notify_notification_show, (NotifyNotification * notification, GError **error))                       \
  X(void, notify_notification_set_timeout, (NotifyNotification * notification, gint timeout))                      \
  X(void, notify_notification_set_category, (NotifyNotification * notification, const char *category))            \
  X(void, notify_notification_set_urgency, (NotifyNotification * notification, NotifyUrgency urgency))             \
  X(void, notify_notification_set_hint, (NotifyNotification * notification, const char *key, GVariant *value))    \
  X(void, notify_notification_clear_hints, (NotifyNotification * notification))                                    \
  X(void, notify_notification_add_action,                                                                          \
    (NotifyNotification * notification, const char *action, const char *label, NotifyActionCallback callback,     \
     gpointer user_data, GFreeFunc free_func))                                                                     \
  X(void, notify_notification_clear_actions, (NotifyNotification * notification))                                  \
  /* GLib: memory and errors */                                                                                    \
  X(void, g_free, (gpointer mem))                                                                                  \
  X(void, g_error_free, (GError * error))                                                                          \
  X(gboolean, g_error_matches, (const GError *error, GQuark domain, gint code))                                    \
  /* GLib: the main context */                                                                                     \
  X(GMainContext *, g_main_context_default, (void))                                                                \
  X(gboolean, g_main_context_acquire, (GMainContext * context))                                                    \
  X(void, g_main_context_release, (GMainContext * context))                                                        \
  X(gboolean, g_main_context_prepare, (GMainContext * context, gint * priority))                                   \
  X(gint, g_main_context_query,                                                                                    \
    (GMainContext * context, gint max_priority, gint * timeout_, GPollFD * fds, gint n_fds))                       \
  X(gboolean, g_main_context_check, (GMainContext * context, gint max_priority, GPollFD * fds, gint n_fds))        \
  X(void, g_main_context_dispatch, (GMainContext * context))                                                       \
  X(gboolean, g_main_context_iteration, (GMainContext * context, gboolean may_block))                              \
  /* GLib: variants */                                                                                             \
  X(GVariant *, g_variant_new_string, (const gchar *string))                                                       \
  X(GVariant *, g_variant_new_uint32, (guint32 value))                                                             \
  X(GVariant *, g_variant_new_boolean, (gboolean value))                                                           \
  X(GVariant *, g_variant_new_int32, (gint32 value))                                                               \
  X(GVariant *, g_variant_new_tuple, (GVariant *const *children, gsize n_children))                                \
  X(void, g_variant_unref, (GVariant * value))                                                                     \
  X(gsize, g_variant_n_children, (GVariant * value))                                                               \
  X(GVariant *, g_variant_get_child_value, (GVariant * value, gsize index_))                                       \
  X(gboolean, g_variant_get_boolean, (GVariant * value))                                                           \
  X(guint32, g_variant_get_uint32, (GVariant * value))                                                             \
  X(const gchar *, g_variant_get_string, (GVariant * value, gsize * length))                                       \
  X(const gchar **, g_variant_get_strv, (GVariant * value, gsize * length))                                        \
  /* GObject */                                                                                                    \
  X(void, g_object_unref, (gpointer object))                                                                       \
  /* GIO: the bus */                                                                                               \
  X(GQuark, g_io_error_quark, (void))                                                                              \
  X(GQuark, g_dbus_error_quark, (void))                                                                            \
  X(GCancellable *, g_cancellable_new, (void))                                                                     \
  X(void, g_cancellable_cancel, (GCancellable * cancellable))                                                      \
  X(void, g_bus_get, (GBusType bus_type, GCancellable * cancellable, GAsyncReadyCallback callback, gpointer user_data)) \
  X(GDBusConnection *, g_bus_get_finish, (GAsyncResult * res, GError **error))                                     \
  X(void, g_dbus_connection_set_exit_on_close, (GDBusConnection * connection, gboolean exit_on_close))             \
  X(void, g_dbus_connection_call,                                                                                  \
    (GDBusConnection * connection, const gchar *bus_name, const gchar *object_path, const gchar *interface_name,   \
     const gchar *method_name, GVariant *parameters, const GVariantType *reply_type, GDBusCallFlags flags,         \
     gint timeout_msec, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data))              \
  X(GVariant *, g_dbus_connection_call_sync,                                                                       \
    (GDBusConnection * connection, const gchar *bus_name, const gchar *object_path, const gchar *interface_name,   \
     const gchar *method_name, GVariant *parameters, const GVariantType *reply_type, GDBusCallFlags flags,         \
     gint timeout_msec, GCancellable *cancellable, GError **error))

// Functions the table holds that Swift cannot call as they are (variadic, or a macro's
// target): only the affirm_ shims at the end call them.
#define AFFIRM_LIBNOTIFY_SHIMMED_FUNCTIONS(X)                                                                      \
  X(void, g_object_get, (gpointer object, const gchar *first_property_name, ...))                                 \
  X(gulong, g_signal_connect_data,                                                                                 \
    (gpointer instance, const gchar *detailed_signal, GCallback c_handler, gpointer data,                          \
     GClosureNotify destroy_data, GConnectFlags connect_flags))

/// The functions, looked up in the loaded library: one pointer per function listed above.
struct affirm_libnotify_functions {
#define AFFIRM_LIBNOTIFY_FIELD(result, name, parameters) result(*name) parameters;
  AFFIRM_LIBNOTIFY_FUNCTIONS(AFFIRM_LIBNOTIFY_FIELD)
  AFFIRM_LIBNOTIFY_SHIMMED_FUNCTIONS(AFFIRM_LIBNOTIFY_FIELD)
#undef AFFIRM_LIBNOTIFY_FIELD
};

/// Opens `soname` with dlopen(RTLD_LAZY | RTLD_LOCAL) and looks up every function of the
/// table in it with dlsym, which also searches what the library depends on (GLib, GObject,
/// GIO). On success, returns true and writes the path of the file opened into `detail`; the
/// first successful load becomes the table the wrappers call through, and its library stays
/// open. On failure, returns false, writes dlerror()'s text into `detail` (it names the file,
/// and the first function the library lacks if that was the problem) and closes the library
/// again. Safe to call from any thread.
bool affirm_libnotify_load(const char *soname, char *detail, size_t detail_size);

/// Whether a load has succeeded (never loads anything itself).
bool affirm_libnotify_is_loaded(void);

/// The table the wrappers call through. Aborts, naming `caller`, when no load has succeeded.
const struct affirm_libnotify_functions *affirm_libnotify(const char *caller);

#ifndef AFFIRM_LIBNOTIFY_ABI_CHECK

// MARK: - The wrappers: each calls the function of the same name through the table

static inline gboolean notify_init(const char *app_name) { return affirm_libnotify(__func__)->notify_init(app_name); }
static inline void notify_uninit(void) { affirm_libnotify(__func__)->notify_uninit(); }
static inline gboolean notify_is_initted(void) { return affirm_libnotify(__func__)->notify_is_initted(); }

static inline NotifyNotification *notify_notification_new(const char *summary, const char *body, const char *icon) {
  return affirm_libnotify(__func__)->notify_notification_new(summary, body, icon);
}

static inline gboolean notify_notification_update(
    NotifyNotification *notification, const char *summary, const char *body, const char *icon) {
  return affirm_libnotify(__func__)->notify_notification_update(notification, summary, body, icon);
}

static inline gboolean notify_notification_show(NotifyNotification *notification, GError **error) {
  return affirm_libnotify(__func__)->notify_notification_show(notification, error);
}

static inline void notify_notification_set_timeout(NotifyNotification *notification, gint timeout) {
  affirm_libnotify(__func__)->notify_notification_set_timeout(notification, timeout);
}

static inline void notify_notification_set_category(NotifyNotification *notification, const char *category) {
  affirm_libnotify(__func__)->notify_notification_set_category(notification, category);
}

static inline void notify_notification_set_urgency(NotifyNotification *notification, NotifyUrgency urgency) {
  affirm_libnotify(__func__)->notify_notification_set_urgency(notification, urgency);
}

static inline void notify_notification_set_hint(NotifyNotification *notification, const char *key, GVariant *value) {
  affirm_libnotify(__func__)->notify_notification_set_hint(notification, key, value);
}

static inline void notify_notification_clear_hints(NotifyNotification *notification) {
  affirm_libnotify(__func__)->notify_notification_clear_hints(notification);
}

static inline void notify_notification_add_action(
    NotifyNotification *notification, const char *action, const char *label, NotifyActionCallback callback,
    gpointer user_data, GFreeFunc free_func) {
  affirm_libnotify(__func__)->notify_notification_add_action(
      notification, action, label, callback, user_data, free_func);
}

static inline void notify_notification_clear_actions(NotifyNotification *notification) {
  affirm_libnotify(__func__)->notify_notification_clear_actions(notification);
}

static inline void g_free(gpointer mem) { affirm_libnotify(__func__)->g_free(mem); }
static inline void g_error_free(GError *error) { affirm_libnotify(__func__)->g_error_free(error); }

static inline gboolean g_error_matches(const GError *error, GQuark domain, gint code) {
  return affirm_libnotify(__func__)->g_error_matches(error, domain, code);
}

static inline GMainContext *g_main_context_default(void) {
  return affirm_libnotify(__func__)->g_main_context_default();
}

static inline gboolean g_main_context_acquire(GMainContext *context) {
  return affirm_libnotify(__func__)->g_main_context_acquire(context);
}

static inline void g_main_context_release(GMainContext *context) {
  affirm_libnotify(__func__)->g_main_context_release(context);
}

static inline gboolean g_main_context_prepare(GMainContext *context, gint *priority) {
  return affirm_libnotify(__func__)->g_main_context_prepare(context, priority);
}

static inline gint g_main_context_query(
    GMainContext *context, gint max_priority, gint *timeout_, GPollFD *fds, gint n_fds) {
  return affirm_libnotify(__func__)->g_main_context_query(context, max_priority, timeout_, fds, n_fds);
}

static inline gboolean g_main_context_check(GMainContext *context, gint max_priority, GPollFD *fds, gint n_fds) {
  return affirm_libnotify(__func__)->g_main_context_check(context, max_priority, fds, n_fds);
}

static inline void g_main_context_dispatch(GMainContext *context) {
  affirm_libnotify(__func__)->g_main_context_dispatch(context);
}

static inline gboolean g_main_context_iteration(GMainContext *context, gboolean may_block) {
  return affirm_libnotify(__func__)->g_main_context_iteration(context, may_block);
}

static inline GVariant *g_variant_new_string(const gchar *string) {
  return affirm_libnotify(__func__)->g_variant_new_string(string);
}

static inline GVariant *g_variant_new_boolean(gboolean value) {
  return affirm_libnotify(__func__)->g_variant_new_boolean(value);
}
static inline GVariant *g_variant_new_int32(gint32 value) {
  return affirm_libnotify(__func__)->g_variant_new_int32(value);
}
static inline GVariant *g_variant_new_uint32(guint32 value) {
  return affirm_libnotify(__func__)->g_variant_new_uint32(value);
}

static inline GVariant *g_variant_new_tuple(GVariant *const *children, gsize n_children) {
  return affirm_libnotify(__func__)->g_variant_new_tuple(children, n_children);
}

static inline void g_variant_unref(GVariant *value) { affirm_libnotify(__func__)->g_variant_unref(value); }
static inline gsize g_variant_n_children(GVariant *value) { return affirm_libnotify(__func__)->g_variant_n_children(value); }

static inline GVariant *g_variant_get_child_value(GVariant *value, gsize index_) {
  return affirm_libnotify(__func__)->g_variant_get_child_value(value, index_);
}

static inline gboolean g_variant_get_boolean(GVariant *value) {
  return affirm_libnotify(__func__)->g_variant_get_boolean(value);
}

static inline guint32 g_variant_get_uint32(GVariant *value) {
  return affirm_libnotify(__func__)->g_variant_get_uint32(value);
}

static inline const gchar *g_variant_get_string(GVariant *value, gsize *length) {
  return affirm_libnotify(__func__)->g_variant_get_string(value, length);
}

static inline const gchar **g_variant_get_strv(GVariant *value, gsize *length) {
  return affirm_libnotify(__func__)->g_variant_get_strv(value, length);
}

static inline void g_object_unref(gpointer object) { affirm_libnotify(__func__)->g_object_unref(object); }
static inline GQuark g_io_error_quark(void) { return affirm_libnotify(__func__)->g_io_error_quark(); }
static inline GQuark g_dbus_error_quark(void) { return affirm_libnotify(__func__)->g_dbus_error_quark(); }
static inline GCancellable *g_cancellable_new(void) { return affirm_libnotify(__func__)->g_cancellable_new(); }

static inline void g_cancellable_cancel(GCancellable *cancellable) {
  affirm_libnotify(__func__)->g_cancellable_cancel(cancellable);
}

static inline void g_bus_get(
    GBusType bus_type, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data) {
  affirm_libnotify(__func__)->g_bus_get(bus_type, cancellable, callback, user_data);
}

static inline GDBusConnection *g_bus_get_finish(GAsyncResult *res, GError **error) {
  return affirm_libnotify(__func__)->g_bus_get_finish(res, error);
}

static inline void g_dbus_connection_set_exit_on_close(GDBusConnection *connection, gboolean exit_on_close) {
  affirm_libnotify(__func__)->g_dbus_connection_set_exit_on_close(connection, exit_on_close);
}

static inline void g_dbus_connection_call(
    GDBusConnection *connection, const gchar *bus_name, const gchar *object_path, const gchar *interface_name,
    const gchar *method_name, GVariant *parameters, const GVariantType *reply_type, GDBusCallFlags flags,
    gint timeout_msec, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data) {
  affirm_libnotify(__func__)->g_dbus_connection_call(
      connection, bus_name, object_path, interface_name, method_name, parameters, reply_type, flags, timeout_msec,
      cancellable, callback, user_data);
}

static inline GVariant *g_dbus_connection_call_sync(
    GDBusConnection *connection, const gchar *bus_name, const gchar *object_path, const gchar *interface_name,
    const gchar *method_name, GVariant *parameters, const GVariantType *reply_type, GDBusCallFlags flags,
    gint timeout_msec, GCancellable *cancellable, GError **error) {
  return affirm_libnotify(__func__)->g_dbus_connection_call_sync(
      connection, bus_name, object_path, interface_name, method_name, parameters, reply_type, flags, timeout_msec,
      cancellable, error);
}

// MARK: - Shims for what Swift cannot call

/// g_object_get() is variadic, which Swift cannot call: read one int property.
static inline void affirm_object_get_int(gpointer object, const gchar *name, gint *out) {
  affirm_libnotify(__func__)->g_object_get(object, name, out, NULL);
}

/// g_signal_connect() is a macro, and GCallback erases the handler's type: connect a
/// handler to a notification's "closed" signal (emitted when the server closes it).
static inline gulong affirm_connect_closed(
    NotifyNotification *notification, void (*handler)(NotifyNotification *, gpointer), gpointer data,
    void (*destroy)(gpointer, GClosure *)) {
  return affirm_libnotify(__func__)->g_signal_connect_data(
      notification, "closed", (GCallback)handler, data, destroy, (GConnectFlags)0);
}

#endif

#endif
