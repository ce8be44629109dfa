#pragma once
// libfcgi imports into Swift as is; the only thing it cannot reach is the FCGX_Request layout's stream fields,
// which import fine too. No shims are needed: FCGX_FPrintF is variadic but we never call it (FCGX_PutStr suffices).
#include <fcgiapp.h>
