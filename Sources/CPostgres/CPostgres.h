#pragma once
// libpq imports into Swift as is; no shims are needed.
#include <libpq-fe.h>
