// libpq's client API (Debian libpq-dev; the include path comes from `pkg-config --cflags libpq`).
#include <libpq-fe.h>
