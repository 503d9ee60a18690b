// Loads libnotify at run time and fills the table CLibNotify.h's wrappers call through.

#define _GNU_SOURCE  // dladdr
#include "CLibNotify.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Where each function's pointer goes in the table, by name.
static const struct {
  const char *name;
  size_t offset;
} symbols[] = {
#define AFFIRM_LIBNOTIFY_SYMBOL(result, name, parameters) {#name, offsetof(struct affirm_libnotify_functions, name)},
    AFFIRM_LIBNOTIFY_FUNCTIONS(AFFIRM_LIBNOTIFY_SYMBOL) AFFIRM_LIBNOTIFY_SHIMMED_FUNCTIONS(AFFIRM_LIBNOTIFY_SYMBOL)
#undef AFFIRM_LIBNOTIFY_SYMBOL
};

_Static_assert(
    sizeof(symbols) / sizeof(symbols[0]) == sizeof(struct affirm_libnotify_functions) / sizeof(void (*)(void)),
    "every pointer in the table is looked up");

// Each wrapper has exactly the type of the table's pointer it calls through.
#define AFFIRM_LIBNOTIFY_SAME_TYPE(result, name, parameters)                                     \
  _Static_assert(__builtin_types_compatible_p(__typeof__(&name), result(*) parameters), \
                 "the wrapper " #name " has the table's signature");
AFFIRM_LIBNOTIFY_FUNCTIONS(AFFIRM_LIBNOTIFY_SAME_TYPE)
#undef AFFIRM_LIBNOTIFY_SAME_TYPE

/// The table of the first successful load; NULL until then. Written once, with release
/// ordering, so that a thread that sees the pointer also sees the table it points to.
static const struct affirm_libnotify_functions *loaded;

bool affirm_libnotify_load(const char *soname, char *detail, size_t detail_size) {
  void *library = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
  if (library == NULL) {
    const char *reason = dlerror();
    snprintf(detail, detail_size, "%s", reason != NULL ? reason : "dlopen failed");
    return false;
  }

  struct affirm_libnotify_functions *table = malloc(sizeof *table);
  if (table == NULL) {
    snprintf(detail, detail_size, "out of memory");
    dlclose(library);
    return false;
  }
  for (size_t index = 0; index < sizeof(symbols) / sizeof(symbols[0]); index++) {
    dlerror();
    void *address = dlsym(library, symbols[index].name);
    if (address == NULL) {
      // dlerror() names the file and the symbol: "/path/libz.so.1: undefined symbol: notify_init".
      const char *reason = dlerror();
      if (reason != NULL) {
        snprintf(detail, detail_size, "%s", reason);
      } else {
        snprintf(detail, detail_size, "%s: %s is NULL", soname, symbols[index].name);
      }
      free(table);
      dlclose(library);
      return false;
    }
    // POSIX guarantees that dlsym's void * converts to a function pointer.
    memcpy((char *)table + symbols[index].offset, &address, sizeof address);
  }

  Dl_info info;
  const char *path = soname;
  void *first;
  memcpy(&first, table, sizeof first);
  if (dladdr(first, &info) != 0 && info.dli_fname != NULL) path = info.dli_fname;
  snprintf(detail, detail_size, "%s", path);

  const struct affirm_libnotify_functions *none = NULL;
  if (!__atomic_compare_exchange_n(&loaded, &none, table, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    // Loaded before: that table stays in use; this load's reference to the library stays too.
    free(table);
  }
  return true;
}

bool affirm_libnotify_is_loaded(void) { return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE) != NULL; }

const struct affirm_libnotify_functions *affirm_libnotify(const char *caller) {
  const struct affirm_libnotify_functions *table = __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
  if (table == NULL) {
    fprintf(stderr, "affirm: %s called before libnotify was loaded (a bug: LibNotifyLibrary.load() comes first)\n",
            caller);
    abort();
  }
  return table;
}
