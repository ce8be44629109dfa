#pragma once
// Tesseract's C API imports into Swift as is; no shims are needed.
#include <tesseract/capi.h>
