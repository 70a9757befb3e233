#ifndef GM_CHIREDIS_SHIM_H
#define GM_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
